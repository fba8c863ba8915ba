package org.dataloop.casemetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.dataloop.casemetrics.CaseTestData.DAY;
import static org.dataloop.casemetrics.CaseTestData.NEXT_DAY;
import static org.dataloop.casemetrics.CaseTestData.NEXT_DAY_START;
import static org.dataloop.casemetrics.CaseTestData.chunkJson;
import static org.dataloop.casemetrics.CaseTestData.heartbeatJson;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.tables.CaseMetricsTables;
import org.dataloop.common.testing.Launcher;
import org.dataloop.common.testing.ReplayFiles;
import org.dataloop.common.testing.ReplaySplits;

/** The local replay interface of contract §7, run as a user runs it: {@code bin/dataloop run case-metrics-job --local ...}. */
class CaseMetricsReplayIT {
    private static final int REPEATS = 50_000;

    @TempDir
    Path tmp;

    @Test
    void replaysHeartbeatsAndCaseChunksIntoTheContractsRows() throws Exception {
        Path heartbeats = Files.write(tmp.resolve("heartbeat.jsonl"), CaseTestData.e2eHeartbeats());
        // a case file far longer than the heartbeat file (repeats of one chunk first), so it is still being read
        // when the heartbeats end: the rows must not depend on which file is read faster
        List<String> chunkLines = new ArrayList<>(Collections.nCopies(REPEATS, CaseTestData.e2eChunks().get(0)));
        chunkLines.addAll(CaseTestData.e2eChunks());
        Path chunks = Files.write(tmp.resolve("case_mapping.jsonl"), chunkLines);
        Path cityArea = Files.write(tmp.resolve("dim_city_area.jsonl"), List.of(
                "{\"city_name\":\"Shanghai\",\"area_name\":\"Pudong\",\"city_code\":\"SH\",\"area_code\":\"PD\"}"));
        Path orders = Files.write(tmp.resolve("dim_order.jsonl"), List.of(
                "{\"task_id\":\"task-A\",\"order_id\":\"order-7\",\"customer_id\":\"cust-3\"}"));
        Path out = tmp.resolve("out");

        Launcher.Result run = Launcher.run(tmp, "run", "case-metrics-job", "--local",
                "--input.heartbeat", heartbeats.toString(), "--input.case_mapping", chunks.toString(),
                "--input.dim_city_area", cityArea.toString(), "--input.dim_order", orders.toString(), "--output.dir", out.toString());
        String output = run.output();
        assertThat(run.exitCode()).as(output).isZero();
        assertThat(output).contains("records_in case_mapping=" + (REPEATS + 7) + ", heartbeat=152")
                .contains("duplicates_dropped case_mapping=" + (REPEATS + 1)); // and the scenario's own repeat

        Map<String, Map<String, Object>> metrics = ReplayFiles.finalRows(out.resolve("dws_daily_mps_mpd.jsonl"),
                CaseMetricsTables.DWS_DAILY_MPS_MPD.primaryKey());
        assertThat(metrics).hasSize(ExpectedMetrics.ROWS.size());
        for (Map<String, Object> row : metrics.values()) ExpectedMetrics.assertRow(row.get("city_code") + "/" + row.get("trigger_type"), row);
        assertThat(ReplayFiles.finalRows(out.resolve("realtime_metrics.jsonl"), CaseMetricsTables.REALTIME_METRICS.primaryKey()))
                .hasSize(ExpectedMetrics.ROWS.size());

        Map<String, Map<String, Object>> cases = ReplayFiles.finalRows(out.resolve("dwd_case_detail.jsonl"),
                CaseMetricsTables.DWD_CASE_DETAIL.primaryKey());
        assertThat(cases).hasSize(4);
        assertThat(cases.values()).anySatisfy(r -> assertThat(r).containsEntry("case_id", "case-1")
                .containsEntry("chunk_count", 2).containsEntry("city_code", "SH").containsEntry("order_id", "order-7"));
        assertThat(ReplayFiles.lines(out.resolve("ods_case_mapping.jsonl"))).hasSize(5);
        assertThat(ReplayFiles.lines(out.resolve("dlq.jsonl"))).extracting(r -> r.get("reason")).containsExactly("malformed_json");
    }

    /** Local midnight between {@link CaseTestData#DAY} and {@link CaseTestData#NEXT_DAY}, epoch seconds. */
    private static final long B = NEXT_DAY_START;

    /**
     * §7.1 for case-metrics-job through {@code bin/dataloop}: a replay stopped with a savepoint after N records of each
     * file and restored gives the rows and dead letters of one uninterrupted run. The scenario: two cars over local
     * midnight, cases with several chunks (one whose earliest chunk comes after the split, one whose second chunk moves
     * it to the previous day), a repeated chunk, a case of a day that becomes final before the input ends, a heartbeat
     * behind the watermark (kilometres, but no context) and a late one (dead letter). The splits: while the first
     * cases wait for their heartbeats' watermark; just before the heartbeat behind the watermark (a restore that forgot
     * the watermark would take it as context for case-G, in another city); just before the late heartbeat (a restore
     * that forgot it would count it into a final day). The uninterrupted run's rows are then checked by hand, so two
     * identically wrong runs do not pass.
     */
    @Test
    void aReplayStoppedWithASavepointAndRestoredGivesTheRowsOfOneRun() throws Exception {
        List<String> hb = new ArrayList<>();
        int whileCasesWait = -1;
        int beforeOffTime = -1;
        // 23:58:00-23:59:59 on DAY: car-1 autonomous at 36 km/h in Shanghai/Pudong on task-A (120 x 0.01 km); from
        // 23:59:00 car-2 autonomous at 72 km/h in Beijing/Haidian, a city without a dimension row (60 x 0.02 km)
        for (long s = B - 120; s < B; s++) {
            hb.add(heartbeatJson("car-1", s, "Auto", 36, "Shanghai", "Pudong", "task-A"));
            if (s == B - 100) {
                hb.add(heartbeatJson("car-1", s, "Auto", 36, "Shanghai", "Pudong", "task-A")); // a duplicate
                hb.add("{\"car_id\":\"car-1\",\"ts_second\":\"soon\",\"driving_mode\":\"Auto\",\"speed\":1}"); // bad_value
            }
            if (s >= B - 60) hb.add(heartbeatJson("car-2", s, "Auto", 72, "Beijing", "Haidian", null));
            if (s == B - 70) whileCasesWait = hb.size(); // heartbeat watermark 23:58:45: cases A, B and D wait in state
            if (s == B - 30) {
                // car-2 at 23:58:40 in Guangzhou, 50 s behind: its 0.02 km count, but it is no context (case-G)
                beforeOffTime = hb.size();
                hb.add(heartbeatJson("car-2", B - 80, "Auto", 72, "Guangzhou", "Tianhe", null));
            }
        }
        // 00:00:00-00:01:59 on NEXT_DAY: car-1 as before (1.2 km); car-2 manual in Beijing, then from 00:01:00
        // autonomous in Shanghai/Pudong on task-B (1.2 km)
        for (long s = B; s < B + 120; s++) {
            hb.add(heartbeatJson("car-1", s, "Auto", 36, "Shanghai", "Pudong", "task-A"));
            hb.add(s < B + 60 ? heartbeatJson("car-2", s, "Manual", 72, "Beijing", "Haidian", null)
                    : heartbeatJson("car-2", s, "Auto", 72, "Shanghai", "Pudong", "task-B"));
        }
        hb.add(heartbeatJson("car-2", B + 5_400, "Manual", 72, "Shanghai", "Pudong", "task-B")); // 01:30: DAY is final for heartbeats
        int beforeLate = hb.size();
        hb.add(heartbeatJson("car-1", B - 180, "Auto", 36, "Shanghai", "Pudong", "task-A")); // late: a dead letter, no km
        hb.add(heartbeatJson("car-9", B + 2 * 86_400 + 1_800, "Manual", 0, null, null, null)); // DAY's groups and cases final

        long b = B * 1000;
        String a1 = chunkJson("case-A", "c1", "car-1", b - 40_000, b - 30_000, "collision", 200);
        List<String> cases = new ArrayList<>(List.of(
                a1,
                chunkJson("case-D", "d0", "car-2", b + 20_000, b + 25_000, "collision", 80),
                chunkJson("case-B", "c0", "car-2", b - 29_500, b - 25_000, "dangerous", 70)));
        // repeats of case-A's chunk up to the first split, so the case file is read as far as the heartbeat file there
        while (cases.size() < whileCasesWait) cases.add(a1);
        cases.addAll(List.of(
                chunkJson("case-A", "c0", "car-1", b - 49_800, b - 40_000, "collision", 100), // now the first chunk
                chunkJson("case-G", "c0", "car-2", b - 90_000, b - 85_000, "takeover", 30),
                chunkJson("case-D", "d1", "car-2", b - 9_300, b + 20_000, "collision", 90),  // moves case-D to DAY
                chunkJson("case-C", "c0", "car-1", b + 30_000, b + 35_000, "takeover", 40),
                chunkJson("case-E", "c0", "car-2", b + 90_000, b + 95_000, "takeover", 60),
                chunkJson("case-F", "c0", "car-3", b + 5_000, b + 10_000, "other", 10),     // no heartbeats: UNKNOWN
                a1,
                "{\"case_id\":\"case-X\","));

        Path heartbeats = Files.write(tmp.resolve("split-heartbeat.jsonl"), hb);
        Path chunks = Files.write(tmp.resolve("split-case_mapping.jsonl"), cases);
        Path cityArea = Files.write(tmp.resolve("split-dim_city_area.jsonl"), List.of(
                "{\"city_name\":\"Shanghai\",\"area_name\":\"Pudong\",\"city_code\":\"SH\",\"area_code\":\"PD\"}"));
        Path orders = Files.write(tmp.resolve("split-dim_order.jsonl"), List.of(
                "{\"task_id\":\"task-A\",\"order_id\":\"order-7\",\"customer_id\":\"cust-3\"}"));
        List<String> replay = List.of("--input.heartbeat", heartbeats.toString(), "--input.case_mapping", chunks.toString(),
                "--input.dim_city_area", cityArea.toString(), "--input.dim_order", orders.toString());

        ReplaySplits.assertEveryOutputMatches(tmp, new CaseMetricsJob(), replay, whileCasesWait, beforeOffTime, beforeLate);

        // the uninterrupted run, by hand
        Path whole = tmp.resolve("uninterrupted");
        Map<String, Map<String, Object>> metrics = new java.util.TreeMap<>();
        ReplayFiles.finalRows(whole.resolve("dws_daily_mps_mpd.jsonl"), CaseMetricsTables.DWS_DAILY_MPS_MPD.primaryKey())
                .values().forEach(r -> metrics.put(r.get("date_key") + "/" + r.get("city_code") + "/" + r.get("trigger_type"), r));
        // date/city/trigger -> case_count, dangerous_case_count, total_miles
        Map<String, double[]> want = Map.ofEntries(
                Map.entry(DAY + "/SH/collision", new double[] {1, 1, 1.2}),
                Map.entry(DAY + "/SH/ALL", new double[] {1, 1, 1.2}),
                Map.entry(DAY + "/Beijing/dangerous", new double[] {1, 1, 1.2}),
                Map.entry(DAY + "/Beijing/collision", new double[] {1, 1, 1.2}),
                Map.entry(DAY + "/Beijing/takeover", new double[] {1, 0, 1.2}),
                Map.entry(DAY + "/Beijing/ALL", new double[] {3, 2, 1.2}),
                Map.entry(DAY + "/Guangzhou/ALL", new double[] {0, 0, 0.02}),
                Map.entry(NEXT_DAY + "/SH/takeover", new double[] {2, 0, 2.4}),
                Map.entry(NEXT_DAY + "/SH/ALL", new double[] {2, 0, 2.4}),
                Map.entry(NEXT_DAY + "/UNKNOWN/other", new double[] {1, 0, 0}),
                Map.entry(NEXT_DAY + "/UNKNOWN/ALL", new double[] {1, 0, 0}));
        assertThat(metrics.keySet()).containsExactlyInAnyOrderElementsOf(want.keySet());
        want.forEach((key, w) -> {
            Map<String, Object> row = metrics.get(key);
            double km = ((Number) row.get("total_miles")).doubleValue();
            assertThat(((Number) row.get("case_count")).longValue()).as(key).isEqualTo((long) w[0]);
            assertThat(((Number) row.get("dangerous_case_count")).longValue()).as(key).isEqualTo((long) w[1]);
            assertThat(km).as(key).isCloseTo(w[2], within(1e-9));
            assertThat(((Number) row.get("mps")).doubleValue()).as(key).isCloseTo(w[2] == 0 ? 0 : w[0] * 1e4 / w[2], within(1e-6));
            assertThat(((Number) row.get("mpd")).doubleValue()).as(key).isCloseTo(w[2] == 0 ? 0 : w[1] * 1e4 / w[2], within(1e-6));
        });
        assertThat(ReplayFiles.finalRows(whole.resolve("realtime_metrics.jsonl"), CaseMetricsTables.REALTIME_METRICS.primaryKey()))
                .hasSize(want.size());

        Map<String, Map<String, Object>> details = new java.util.TreeMap<>();
        ReplayFiles.finalRows(whole.resolve("dwd_case_detail.jsonl"), CaseMetricsTables.DWD_CASE_DETAIL.primaryKey())
                .values().forEach(r -> details.put((String) r.get("case_id"), r));
        assertThat(details.keySet()).containsExactly("case-A", "case-B", "case-C", "case-D", "case-E", "case-F", "case-G");
        assertThat(details.get("case-A")).containsEntry("date_key", DAY).containsEntry("start_ts", b - 49_800)
                .containsEntry("end_ts", b - 30_000).containsEntry("file_size", 300).containsEntry("chunk_count", 2)
                .containsEntry("file_path", "s3://cases/case-A/c0").containsEntry("city_code", "SH").containsEntry("area_code", "PD")
                .containsEntry("task_id", "task-A").containsEntry("order_id", "order-7").containsEntry("customer_id", "cust-3")
                .containsEntry("context_ts_second", seconds(B - 50));
        assertThat(details.get("case-B")).containsEntry("city_code", "Beijing").containsEntry("context_ts_second", seconds(B - 30));
        assertThat(details.get("case-G")).as("the heartbeat behind the watermark is no context")
                .containsEntry("city_code", "Beijing").containsEntry("area_code", "Haidian").containsEntry("context_ts_second", seconds(B - 60));
        assertThat(details.get("case-D")).containsEntry("date_key", DAY).containsEntry("start_ts", b - 9_300)
                .containsEntry("end_ts", b + 25_000).containsEntry("file_size", 170).containsEntry("chunk_count", 2)
                .containsEntry("file_path", "s3://cases/case-D/d1").containsEntry("city_code", "Beijing")
                .containsEntry("context_ts_second", seconds(B - 9));
        assertThat(details.get("case-E")).containsEntry("date_key", NEXT_DAY).containsEntry("city_code", "SH")
                .containsEntry("task_id", "task-B").containsEntry("order_id", null).containsEntry("context_ts_second", seconds(B + 90));
        assertThat(details.get("case-F")).containsEntry("city_code", "UNKNOWN").containsEntry("context_ts_second", null);
        assertThat(ReplayFiles.lines(whole.resolve("ods_case_mapping.jsonl"))).hasSize(9);
        assertThat(ReplayFiles.lines(whole.resolve("dlq.jsonl"))).extracting(r -> r.get("reason"))
                .containsExactlyInAnyOrder("bad_value", "late", "malformed_json");
    }

    /** Epoch seconds as a JSON Lines row holds them (Jackson reads numbers that fit an int as Integer). */
    private static Object seconds(long epochSeconds) {
        if (epochSeconds <= Integer.MAX_VALUE) return Integer.valueOf((int) epochSeconds);
        return Long.valueOf(epochSeconds);
    }
}
