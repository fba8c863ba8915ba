package org.dataloop.casemetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dataloop.casemetrics.CaseTestData.E2E;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;

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
import org.dataloop.common.tables.CaseMetricsTables;
import org.dataloop.common.testing.Await;
import org.dataloop.common.testing.KafkaTestCluster;
import org.dataloop.common.testing.LakeFixtures;
import org.dataloop.common.testing.StableUids;

/**
 * case-metrics-job end to end on real parts: an in-JVM Kafka broker (heartbeat and case-mapping topics), Paimon on
 * local disk and Fluss's test cluster, on a MiniCluster, with options through the job's real command-line parsing.
 * Results are read back from both stores and compared with {@link ExpectedMetrics}, computed by hand.
 */
class CaseMetricsJobIT {
    @RegisterExtension
    static final KafkaTestCluster KAFKA = new KafkaTestCluster();

    @RegisterExtension
    static final FlussClusterExtension FLUSS = FlussClusterExtension.builder().setNumOfTabletServers(1).build();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path tmp;

    /** The job's options for one test: its own topics (suffix), Fluss database and lake. */
    private JobOptions options(String suffix, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--kafka.bootstrap-servers", KAFKA.bootstrapServers(),
                "--kafka.starting-offsets", "earliest",
                "--topic.heartbeat", "heartbeat-" + suffix,
                "--topic.case_mapping", "case-mapping-" + suffix,
                "--table.dlq", "dlq-" + suffix,
                "--paimon.warehouse", tmp.resolve("warehouse").toUri().toString(),
                "--fluss.bootstrap-servers", FLUSS.getBootstrapServers(),
                "--fluss.database", "cases_" + suffix,
                "--checkpoint.interval", "500 ms",
                "--checkpoint.dir", tmp.resolve("checkpoints").toUri().toString(),
                "--source.max-future", "3650 d", // the test's days are fixed, whatever the machine's clock says
                "--parallelism", "1"));
        args.addAll(List.of(extra));
        return JobRunner.parse(new CaseMetricsJob(), args.toArray(String[]::new));
    }

    private static PaimonTables lakeWithDimensions(JobOptions options) throws Exception {
        PaimonTables lake = PaimonTables.fromOptions(options);
        LakeFixtures.upsert(lake, "dim_city_area", List.of("city_name", "area_name", "city_code", "area_code"),
                List.of("city_name", "area_name"), List.of(Map.of("city_name", "Shanghai", "area_name", "Pudong",
                        "city_code", "SH", "area_code", "PD")));
        LakeFixtures.upsert(lake, "dim_order", List.of("task_id", "order_id", "customer_id"), List.of("task_id"),
                List.of(Map.of("task_id", "task-A", "order_id", "order-7", "customer_id", "cust-3")));
        return lake;
    }

    /** The production wiring (Kafka, lake, Fluss) keeps the committed operator uids: savepoints keep restoring. */
    @Test
    void operatorUidsAreTheCommittedOnes() throws Exception {
        JobOptions options = options("uids");
        lakeWithDimensions(options);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new CaseMetricsJob(), options);
        StableUids.assertCommitted(env, "case-metrics-job");
    }

    private static JobClient start(JobOptions options) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new CaseMetricsJob(), options);
        return JobRunner.executeAsync(env, options, "case-metrics-job");
    }

    /** Waits for the scenario's final MPS/MPD rows and four case rows in the lake, and checks the rows. */
    private static void awaitExpectedMetrics(PaimonTables lake) throws Exception {
        List<Map<String, Object>> metrics = Await.until(Duration.ofSeconds(120), () -> {
            List<Map<String, Object>> rows = lake.tableExists("dws_daily_mps_mpd") ? lake.readAll("dws_daily_mps_mpd") : List.of();
            Await.seen(rows);
            boolean allCases = rows.stream().filter(r -> r.get("trigger_type").equals("ALL"))
                    .mapToLong(r -> (Long) r.get("case_count")).sum() == 4;
            return rows.size() == ExpectedMetrics.ROWS.size() && allCases && lake.tableExists("dwd_case_detail")
                    && lake.readAll("dwd_case_detail").size() == 4 ? rows : null;
        });
        for (Map<String, Object> row : metrics) ExpectedMetrics.assertRow(row.get("city_code") + "/" + row.get("trigger_type"), row);
    }

    @Test
    void kafkaToLakeAndFlussWithContextDeduplicationAndDeadLetters() throws Exception {
        JobOptions options = options("e2e");
        PaimonTables lake = lakeWithDimensions(options);
        for (String topic : List.of("heartbeat-e2e", "case-mapping-e2e", "dlq-e2e")) KAFKA.createTopic(topic, 1);
        // cases first: they are resolved only once the heartbeats of their window have arrived
        KAFKA.produceAll("case-mapping-e2e", CaseTestData.e2eChunks());
        KAFKA.produceAll("heartbeat-e2e", CaseTestData.e2eHeartbeats());

        JobClient job = start(options);
        try {
            awaitExpectedMetrics(lake);

            Map<String, Map<String, Object>> cases = lake.readAll("dwd_case_detail").stream()
                    .collect(Collectors.toMap(r -> r.get("case_id").toString(), r -> r));
            long t = E2E * 1000;
            assertThat(cases.get("case-1")).containsEntry("car_id", "car-1").containsEntry("date_key", CaseTestData.DAY)
                    .containsEntry("start_ts", t + 10_200).containsEntry("end_ts", t + 30_000).containsEntry("file_size", 300L)
                    .containsEntry("chunk_count", 2L).containsEntry("file_path", "s3://cases/case-1/c0")
                    .containsEntry("city_code", "SH").containsEntry("area_code", "PD").containsEntry("task_id", "task-A")
                    .containsEntry("order_id", "order-7").containsEntry("customer_id", "cust-3")
                    .containsEntry("context_ts_second", E2E + 10);
            assertThat(cases.get("case-3")).containsEntry("city_code", "Beijing").containsEntry("area_code", "Haidian")
                    .containsEntry("order_id", null).containsEntry("context_ts_second", E2E + 70);
            assertThat(cases.get("case-4")).containsEntry("city_code", "UNKNOWN").containsEntry("context_ts_second", null);
            assertThat(lake.readAll("ods_case_mapping")).hasSize(5);

            List<Object[]> keys = new ArrayList<>();
            for (String key : ExpectedMetrics.ROWS.keySet()) {
                String[] cityAndTrigger = key.split("/");
                keys.add(new Object[] {CaseTestData.DAY, cityAndTrigger[0], cityAndTrigger[1]});
            }
            List<Map<String, Object>> realtime = FlussTables.lookup(FLUSS.getBootstrapServers(), "cases_e2e", "realtime_metrics",
                    CaseMetricsTables.REALTIME_METRICS, keys);
            for (int i = 0; i < keys.size(); i++) {
                assertThat(realtime.get(i)).as("realtime_metrics %s", (Object) keys.get(i)).isNotNull();
                ExpectedMetrics.assertRow(keys.get(i)[1] + "/" + keys.get(i)[2], realtime.get(i));
            }

            List<String> dlq = Await.until(Duration.ofSeconds(60), () -> {
                List<String> r = KAFKA.readAll("dlq-e2e", true, Duration.ofSeconds(2));
                return r.isEmpty() ? null : r;
            });
            assertThat(dlq).singleElement().asString().contains("\"reason\":\"malformed_json\"")
                    .contains("\"stream\":\"case_mapping\"").contains("\"topic\":\"case-mapping-e2e\"");
        } finally {
            Await.cancelled(job);
        }
    }

    @Test
    void stopWithSavepointWhileCasesWaitForTheirHeartbeatsThenRestore() throws Exception {
        List<String> heartbeats = CaseTestData.e2eHeartbeats();
        List<String> chunks = CaseTestData.e2eChunks();
        for (String topic : List.of("heartbeat-sp", "case-mapping-sp", "dlq-sp")) KAFKA.createTopic(topic, 1);
        // every case arrives, but only car-1's first 40 s of heartbeats: the cases wait in state
        KAFKA.produceAll("case-mapping-sp", chunks.subList(0, 3));
        KAFKA.produceAll("heartbeat-sp", heartbeats.subList(0, 40));
        JobOptions options = options("sp");
        PaimonTables lake = lakeWithDimensions(options);
        JobClient job = start(options);
        Await.until(Duration.ofSeconds(60), () -> lake.tableExists("ods_case_mapping") && lake.readAll("ods_case_mapping").size() == 2 ? true : null);
        String savepoint = job.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL).get(90, TimeUnit.SECONDS);
        assertThat(lake.tableExists("dwd_case_detail") ? lake.readAll("dwd_case_detail") : List.of())
                .as("no case is resolved before its window has passed").isEmpty();

        KAFKA.produceAll("case-mapping-sp", chunks.subList(3, chunks.size()));
        KAFKA.produceAll("heartbeat-sp", heartbeats.subList(40, heartbeats.size()));
        JobClient restored = start(options("sp", "--savepoint.path", savepoint));
        try {
            awaitExpectedMetrics(lake);
            assertThat(lake.readAll("ods_case_mapping")).as("the repeated chunk is dropped across the restore").hasSize(5);
            assertThat(lake.readAll("dwd_case_detail")).filteredOn(r -> r.get("case_id").equals("case-1")).singleElement()
                    .satisfies(r -> assertThat(r).containsEntry("chunk_count", 2L).containsEntry("city_code", "SH"));
        } finally {
            Await.cancelled(restored);
        }
    }
}
