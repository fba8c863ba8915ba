package org.dataloop.casemetrics;

import static org.assertj.core.api.Assertions.assertThat;

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
}
