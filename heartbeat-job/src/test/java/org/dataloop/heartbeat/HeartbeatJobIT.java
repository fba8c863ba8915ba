package org.dataloop.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.dataloop.heartbeat.HeartbeatTestData.DAY_START;
import static org.dataloop.heartbeat.HeartbeatTestData.NEXT_DAY_START;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.fluss.server.testutils.FlussClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.io.FlussTables;
import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.tables.HeartbeatTables;
import org.dataloop.common.testing.Await;
import org.dataloop.common.testing.KafkaTestCluster;
import org.dataloop.common.testing.LakeFixtures;
import org.dataloop.common.testing.ReplayFiles;
import org.dataloop.common.testing.StableUids;

/**
 * heartbeat-job end to end on real parts: an in-JVM Kafka broker, Paimon on local disk, Fluss's test
 * cluster, on a MiniCluster. Options go through the job's real command-line parsing.
 */
class HeartbeatJobIT {
    @RegisterExtension
    static final KafkaTestCluster KAFKA = new KafkaTestCluster();

    @RegisterExtension
    static final FlussClusterExtension FLUSS = FlussClusterExtension.builder().setNumOfTabletServers(1).build();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    private JobOptions options(String topicSuffix, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--kafka.bootstrap-servers", KAFKA.bootstrapServers(),
                "--topic.heartbeat", "heartbeat-" + topicSuffix,
                "--table.dlq", "dlq-" + topicSuffix,
                "--kafka.starting-offsets", "earliest",
                "--paimon.warehouse", tmp.resolve("warehouse").toUri().toString(),
                "--fluss.bootstrap-servers", FLUSS.getBootstrapServers(),
                "--fluss.database", "db_" + topicSuffix,
                "--checkpoint.interval", "500 ms",
                "--checkpoint.dir", tmp.resolve("checkpoints").toUri().toString(),
                "--state.backend", "rocksdb",
                "--auto-rate.allowed-lateness", "1 min",
                "--source.max-future", "3650 d", // the test's days are fixed, whatever the machine's clock says
                "--parallelism", "1"));
        args.addAll(List.of(extra));
        return JobRunner.parse(new HeartbeatJob(), args.toArray(String[]::new));
    }

    /** The production wiring (Kafka, lake, Fluss) keeps the committed operator uids: savepoints keep restoring. */
    @Test
    void operatorUidsAreTheCommittedOnes() throws Exception {
        JobOptions options = options("uids");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new HeartbeatJob(), options);
        StableUids.assertCommitted(env, "heartbeat-job");
    }

    private static JobClient start(JobOptions options) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new HeartbeatJob(), options);
        return JobRunner.executeAsync(env, options, "heartbeat-job");
    }

    private static String hb(String car, long ts, String mode, double speed, String city, String area) {
        return "{\"car_id\":\"" + car + "\",\"ts_second\":" + ts + ",\"driving_mode\":\"" + mode + "\",\"speed\":" + speed
                + (city == null ? "" : ",\"city\":\"" + city + "\",\"area\":\"" + area + "\"") + ",\"route_id\":\"r1\",\"extra\":1}";
    }

    @Test
    void kafkaToLakeAndFlussWithDeduplicationDeadLettersLatenessAndDimensionChanges() throws Exception {
        JobOptions options = options("e2e", "--dim.refresh-interval", "500 ms");
        PaimonTables lake = PaimonTables.fromOptions(options);
        LakeFixtures.upsert(lake, "dim_city_area", List.of("city_name", "area_name", "city_code", "area_code"),
                List.of("city_name", "area_name"), List.of(Map.of("city_name", "Shanghai", "area_name", "Pudong",
                        "city_code", "SH", "area_code", "PD")));
        LakeFixtures.upsert(lake, "dim_car", List.of("car_id", "car_type", "car_model"), List.of("car_id"),
                List.of(Map.of("car_id", "car-1", "car_type", "robotaxi", "car_model", "M1")));
        KAFKA.createTopic("heartbeat-e2e", 1);
        KAFKA.createTopic("dlq-e2e", 1);
        KAFKA.produceAll("heartbeat-e2e", List.of(
                hb("car-1", DAY_START, "Auto", 36, "Shanghai", "Pudong"),
                hb("car-1", DAY_START + 1, "Auto", 72, "Shanghai", "Pudong"),
                hb("car-1", DAY_START + 1, "Auto", 72, "Shanghai", "Pudong"),   // duplicate: dropped
                hb("car-1", DAY_START + 2, "Manual", 18, "Shanghai", "Pudong"),
                hb("car-1", DAY_START + 3, "manual", 36, "Beijing", "Haidian"), // dimension miss: raw codes
                hb("car-2", DAY_START, "AUTO", 54, null, null),                  // no city: UNKNOWN
                "{\"car_id\":\"car-2\",\"ts_second\":",                           // malformed_json
                hb("car-2", DAY_START + 1, "Auto", 999, null, null),              // bad_value
                "{\"ts_second\":" + DAY_START + ",\"driving_mode\":\"Auto\",\"speed\":1}", // missing_field
                hb("car-3", NEXT_DAY_START + 120, "Auto", 10, null, null)));      // day 1 is final after this

        JobClient job = start(options);
        try {
            // day 1's rows are final once the job has seen car-3's heartbeat of the next day
            await(() -> lake.tableExists("dws_daily_auto_rate") && lake.readAll("dws_daily_auto_rate").size() == 3 ? true : null);
            // a dimension change in the lake while the job runs applies to heartbeats processed after it
            LakeFixtures.upsert(lake, "dim_city_area", List.of("city_name", "area_name", "city_code", "area_code"),
                    List.of("city_name", "area_name"), List.of(Map.of("city_name", "Shanghai", "area_name", "Pudong",
                            "city_code", "SH-NEW", "area_code", "PD")));
            // the change is loaded once a probe car's heartbeat comes out with the new code (one probe at a time; behind
            // the watermark, which they must not move, but in the open day)
            long firstProbe = NEXT_DAY_START + 1;
            long[] nextProbe = {firstProbe};
            await(() -> {
                List<Map<String, Object>> probes = lake.readAll("dwd_heartbeat_clean").stream()
                        .filter(r -> "car-probe".equals(r.get("car_id"))).toList();
                Await.seen(probes);
                if (probes.stream().anyMatch(r -> "SH-NEW".equals(r.get("city_code")))) return true;
                if (probes.size() == nextProbe[0] - firstProbe) {
                    KAFKA.produce("heartbeat-e2e", null, hb("car-probe", nextProbe[0]++, "Auto", 10, "Shanghai", "Pudong"));
                }
                return null;
            });
            KAFKA.produceAll("heartbeat-e2e", List.of(
                    hb("car-1", DAY_START + 5, "Auto", 36, "Shanghai", "Pudong"),   // late: its day is final
                    hb("car-1", NEXT_DAY_START + 300, "Auto", 36, "Shanghai", "Pudong"),
                    hb("car-3", NEXT_DAY_START + 600, "Auto", 10, null, null)));
            List<Map<String, Object>> daily = await(() -> {
                List<Map<String, Object>> rows = new ArrayList<>(lake.readAll("dws_daily_auto_rate"));
                rows.removeIf(r -> r.get("car_id").equals("car-probe"));
                return rows.size() == 5 ? rows : null;
            });
            Map<String, Map<String, Object>> byGroup = daily.stream().collect(Collectors.toMap(
                    r -> r.get("date_key") + "/" + r.get("car_id") + "/" + r.get("city_code") + "/" + r.get("area_code"), r -> r));
            assertThat(byGroup).containsOnlyKeys("2026-11-20/car-1/SH/PD", "2026-11-20/car-1/Beijing/Haidian",
                    "2026-11-20/car-2/UNKNOWN/UNKNOWN", "2026-11-21/car-3/UNKNOWN/UNKNOWN", "2026-11-21/car-1/SH-NEW/PD");
            Map<String, Object> shanghai = byGroup.get("2026-11-20/car-1/SH/PD");
            assertThat(shanghai.get("total_duration_seconds")).isEqualTo(3L);
            assertThat(shanghai.get("auto_duration_seconds")).isEqualTo(2L);
            assertThat((double) shanghai.get("auto_rate")).isCloseTo(2.0 / 3, within(1e-12));
            assertThat((double) shanghai.get("total_miles")).isCloseTo((36 + 72 + 18) / 3600.0, within(1e-12));
            assertThat((double) shanghai.get("auto_miles")).isCloseTo((36 + 72) / 3600.0, within(1e-12));
            assertThat(shanghai.get("route_code")).isEqualTo("r1");
            assertThat(byGroup.get("2026-11-20/car-2/UNKNOWN/UNKNOWN").get("auto_rate")).isEqualTo(1.0);
            assertThat(byGroup.get("2026-11-21/car-3/UNKNOWN/UNKNOWN").get("total_duration_seconds")).isEqualTo(2L);

            List<Map<String, Object>> ods = new ArrayList<>(lake.readAll("ods_heartbeat"));
            ods.removeIf(r -> r.get("car_id").equals("car-probe"));
            assertThat(ods).hasSize(8); // 5 of car-1, 1 of car-2, 2 of car-3: no duplicate, invalid or late one
            List<Map<String, Object>> dwd = lake.readAll("dwd_heartbeat_clean");
            Map<String, Object> dwdFirst = dwd.stream().filter(r -> r.get("car_id").equals("car-1") && r.get("ts_second").equals(DAY_START))
                    .findFirst().orElseThrow();
            assertThat(dwdFirst).containsEntry("city_code", "SH").containsEntry("city_name", "Shanghai")
                    .containsEntry("area_code", "PD").containsEntry("car_type", "robotaxi").containsEntry("car_model", "M1")
                    .containsEntry("route_code", "r1").containsEntry("route_name", null);

            List<Map<String, Object>> realtime = FlussTables.lookup(FLUSS.getBootstrapServers(), "db_e2e", "realtime_heartbeat",
                    HeartbeatTables.REALTIME_HEARTBEAT, List.of(new Object[] {"car-1", DAY_START + 3}, new Object[] {"car-1", DAY_START + 5}));
            assertThat(realtime.get(0)).containsEntry("city_code", "Beijing").containsEntry("area_code", "Haidian")
                    .containsEntry("driving_mode", "manual");
            assertThat(realtime.get(1)).isNull(); // the late heartbeat is nowhere but in the dead letters

            List<String> dlq = await(() -> {
                List<String> r = KAFKA.readAll("dlq-e2e", true, Duration.ofSeconds(2));
                return r.size() >= 4 ? r : null;
            });
            assertThat(dlq).hasSize(4);
            assertThat(String.join("\n", dlq)).contains("\"reason\":\"malformed_json\"").contains("\"reason\":\"bad_value\"")
                    .contains("\"reason\":\"missing_field\"").contains("\"reason\":\"late\"")
                    .contains("\"topic\":\"heartbeat-e2e\"").contains("\"offset\":6");
        } finally {
            Await.cancelled(job);
        }
    }

    /** Stopped with a savepoint twice and restored, at parallelism 2 and back at 1: the rows of one uninterrupted run (duplicates on every side of the stops). */
    @Test
    void savepointsRestoredTwiceGiveTheRowsOfAnUninterruptedRun() throws Exception {
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        List<String> third = new ArrayList<>();
        for (int s = 0; s < 40; s++) {
            for (int car = 1; car <= 3; car++) {
                String line = hb("car-" + car, DAY_START + s, (s + car) % 3 == 0 ? "Manual" : "Auto", 10 * car + s, "Shanghai", "Pudong");
                List<String> part = s < 13 ? first : s < 26 ? second : third;
                part.add(line);
                if (s % 7 == 0) part.add(line); // duplicates on every side of the stops
            }
        }
        third.add(hb("car-9", NEXT_DAY_START + 120, "Auto", 1, null, null)); // makes day 1 final

        // the uninterrupted run: a replay of the same messages
        Path replayFile = tmp.resolve("all.jsonl");
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        all.addAll(third);
        java.nio.file.Files.write(replayFile, all);
        Path replayOut = tmp.resolve("replay");
        StreamExecutionEnvironment replayEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(replayEnv, new HeartbeatJob(), JobRunner.parse(new HeartbeatJob(), new String[] {
                "--local", "--input.heartbeat", replayFile.toString(), "--output.dir", replayOut.toString(),
                "--auto-rate.allowed-lateness", "1 min", "--state.backend", "hashmap"}));
        replayEnv.execute("uninterrupted replay");
        // day 1's rows; car-9's day only ends in the replay, whose input ends
        Map<String, Map<String, Object>> expected = ReplayFiles.finalRows(replayOut.resolve("dws_daily_auto_rate.jsonl"),
                HeartbeatTables.DWS_DAILY_AUTO_RATE.primaryKey());
        expected.values().removeIf(r -> !r.get("date_key").equals("2026-11-20"));
        assertThat(expected).hasSize(3);

        KAFKA.createTopic("heartbeat-sp", 2);
        KAFKA.produceAll("heartbeat-sp", first);
        JobOptions options = options("sp");
        PaimonTables lake = PaimonTables.fromOptions(options);
        JobClient job = start(options);
        await(() -> lake.tableExists("ods_heartbeat") && lake.readAll("ods_heartbeat").size() == 39 ? true : null);
        String savepoint = job.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                .get(90, TimeUnit.SECONDS);

        KAFKA.produceAll("heartbeat-sp", second);
        JobClient again = start(options("sp", "--savepoint.path", savepoint, "--parallelism", "2")); // rescaled, and back
        await(() -> lake.readAll("ods_heartbeat").size() == 78 ? true : null);
        savepoint = again.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                .get(90, TimeUnit.SECONDS);

        KAFKA.produceAll("heartbeat-sp", third);
        JobClient restored = start(options("sp", "--savepoint.path", savepoint));
        try {
            List<Map<String, Object>> daily = await(() -> {
                List<Map<String, Object>> rows = new ArrayList<>(lake.readAll("dws_daily_auto_rate"));
                Await.seen(rows);
                rows.removeIf(r -> !r.get("date_key").equals("2026-11-20"));
                boolean complete = rows.stream().mapToLong(r -> (Long) r.get("total_duration_seconds")).sum() == 120;
                return complete && rows.size() == expected.size() ? rows : null;
            });
            daily.sort(Comparator.comparing(r -> r.get("car_id").toString()));
            for (Map<String, Object> row : daily) {
                Map<String, Object> want = expected.get(ReplayFiles.key(row, HeartbeatTables.DWS_DAILY_AUTO_RATE.primaryKey()));
                assertThat(want).as("row %s", row).isNotNull();
                assertThat(row.get("total_duration_seconds")).isEqualTo(((Number) want.get("total_duration_seconds")).longValue());
                assertThat(row.get("auto_duration_seconds")).isEqualTo(((Number) want.get("auto_duration_seconds")).longValue());
                assertThat((double) row.get("total_miles")).isCloseTo(((Number) want.get("total_miles")).doubleValue(), within(1e-9));
                assertThat((double) row.get("auto_miles")).isCloseTo(((Number) want.get("auto_miles")).doubleValue(), within(1e-9));
            }
            assertThat(lake.readAll("ods_heartbeat")).hasSize(121);
        } finally {
            Await.cancelled(restored);
        }
    }

    private static <T> T await(Callable<T> probe) throws Exception {
        return Await.until(WAIT, probe);
    }
}
