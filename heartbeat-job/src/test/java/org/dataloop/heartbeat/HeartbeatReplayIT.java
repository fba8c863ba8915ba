package org.dataloop.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dataloop.heartbeat.HeartbeatTestData.DAY_START;
import static org.dataloop.heartbeat.HeartbeatTestData.NEXT_DAY_START;
import static org.dataloop.heartbeat.HeartbeatTestData.json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.dataloop.common.tables.HeartbeatTables;
import org.dataloop.common.testing.Launcher;
import org.dataloop.common.testing.ReplayFiles;
import org.dataloop.common.testing.ReplaySplits;

/** The local replay interface of contract §7, run the way a user runs it: {@code bin/dataloop run heartbeat-job --local ...}. */
class HeartbeatReplayIT {
    @TempDir
    Path tmp;

    private Launcher.Result dataloop(String... args) throws Exception {
        return Launcher.run(tmp, args);
    }

    /** Seven heartbeats: a duplicate, one out of order, a malformed one, and last a late one. */
    private Path heartbeats() throws Exception {
        return Files.write(tmp.resolve("heartbeat.jsonl"), List.of(
                json("car-1", DAY_START + 1, "Auto", 36),
                json("car-1", DAY_START + 2, "Manual", 72),
                json("car-1", DAY_START + 2, "Manual", 72),
                json("car-1", DAY_START - 1, "Auto", 36),         // previous local day, 2 s out of order: accepted
                "{\"car_id\":\"car-1\",\"ts_second\":\"soon\",\"driving_mode\":\"Auto\",\"speed\":1}",
                json("car-2", NEXT_DAY_START + 4000, "Auto", 10), // both days of car-1 are final after this
                json("car-1", DAY_START + 3, "Auto", 36)));      // late
    }

    private Path cityAreas() throws Exception {
        return Files.write(tmp.resolve("dim_city_area.jsonl"), List.of(
                "{\"city_name\":\"Shanghai\",\"area_name\":\"Pudong\",\"city_code\":\"SH\",\"area_code\":\"PD\"}"));
    }

    /**
     * §7.1: stopped with a savepoint after N records and restored, the replay gives the rows, dead letters and
     * de-duplication of one uninterrupted run — after the duplicate's first copy, and just before the late record
     * (which a restore that forgot the watermark would take as on time and count into a final day).
     */
    @Test
    void aReplayStoppedWithASavepointAndRestoredGivesTheRowsOfOneRun() throws Exception {
        ReplaySplits.assertEveryOutputMatches(tmp, new HeartbeatJob(),
                List.of("--input.heartbeat", heartbeats().toString(), "--input.dim_city_area", cityAreas().toString()), 2, 6);
    }

    @Test
    void replaysFilesIntoChangelogJsonLinesTheSameWayTwice() throws Exception {
        Path input = heartbeats();
        Path dims = cityAreas();
        Path out = tmp.resolve("out");

        Launcher.Result run = dataloop("run", "heartbeat-job", "--local", "--input.heartbeat", input.toString(),
                "--input.dim_city_area", dims.toString(), "--output.dir", out.toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("records_in heartbeat=7");

        assertThat(out.resolve("ods_heartbeat.jsonl")).exists();
        assertThat(out.resolve("realtime_heartbeat.jsonl")).exists();
        assertThat(ReplayFiles.lines(out.resolve("dwd_heartbeat_clean.jsonl"))).hasSize(4)
                .allSatisfy(r -> assertThat(r).containsKey("op"));
        Map<String, Map<String, Object>> daily = ReplayFiles.finalRows(out.resolve("dws_daily_auto_rate.jsonl"),
                HeartbeatTables.DWS_DAILY_AUTO_RATE.primaryKey());
        assertThat(daily).hasSize(3);
        Map<String, Object> nov20 = daily.values().stream()
                .filter(r -> r.get("date_key").equals("2026-11-20") && r.get("car_id").equals("car-1")).findFirst().orElseThrow();
        assertThat(nov20).containsEntry("city_code", "SH").containsEntry("area_code", "PD").containsEntry("route_code", "r1")
                .containsEntry("total_duration_seconds", 2).containsEntry("auto_duration_seconds", 1)
                .containsEntry("auto_rate", 0.5).containsEntry("op", "+I");
        assertThat((Double) nov20.get("total_miles")).isCloseTo(0.03, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(daily.values()).anySatisfy(r -> assertThat(r).containsEntry("date_key", "2026-11-19").containsEntry("total_duration_seconds", 1));

        List<Map<String, Object>> dlq = ReplayFiles.lines(out.resolve("dlq.jsonl"));
        // two operators feed the dead letters, so their order in the file is not fixed
        assertThat(dlq).extracting(r -> r.get("reason")).containsExactlyInAnyOrder("bad_value", "late");
        assertThat(dlq).anySatisfy(r -> assertThat(r.get("detail").toString()).contains("ts_second"));

        // the same files give the same rows
        String firstDaily = Files.readString(out.resolve("dws_daily_auto_rate.jsonl"));
        assertThat(dataloop("run", "heartbeat-job", "--local", "--input.heartbeat", input.toString(),
                "--input.dim_city_area", dims.toString(), "--output.dir", out.toString()).exitCode()).isZero();
        assertThat(Files.readString(out.resolve("dws_daily_auto_rate.jsonl"))).isEqualTo(firstDaily);
    }

    @Test
    void aBadOptionStopsWithOneLineNamingIt() throws Exception {
        Launcher.Result run = dataloop("run", "heartbeat-job", "--local", "--auto-rate.allowed-lateness", "forever");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.output().strip()).startsWith("error: heartbeat-job: bad value for --auto-rate.allowed-lateness: 'forever'");
        Launcher.Result help = dataloop("run", "heartbeat-job", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.output()).contains("--auto-rate.allowed-lateness").contains("default: 1 h");
    }
}
