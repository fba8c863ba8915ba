package org.dataloop.casemetrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.metrics.JobCounter;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.testing.Await;
import org.dataloop.common.testing.FuzzRecords;
import org.dataloop.common.testing.KafkaTestCluster;
import org.dataloop.common.testing.LakeFixtures;

/**
 * 10,000 seeded bad case chunks ({@link FuzzRecords}) mixed into the end-to-end scenario's chunks, through the real
 * job from Kafka, restarts off: the job must not fail, the counters account for every chunk, every bad one has its dead
 * letter with its reason and Kafka coordinates, and the case rows and MPS/MPD are the scenario's, computed by hand
 * ({@link ExpectedMetrics}).
 */
class CaseMappingFuzzIT {
    @RegisterExtension
    static final KafkaTestCluster KAFKA = new KafkaTestCluster();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int BAD = 10_000;

    @TempDir
    Path tmp;

    @Test
    void badCaseChunksNeverStopTheJobAndEachIsADeadLetterWithItsReason() throws Exception {
        List<String> chunks = CaseTestData.e2eChunks();
        List<String> valid = chunks.subList(0, chunks.size() - 1); // the last one is the scenario's malformed line
        List<FuzzRecords.Message> messages = FuzzRecords.mix(valid, BAD, 20261202L, FuzzRecords.CASE_MAPPING);
        for (String topic : List.of("heartbeat-fuzz", "case-mapping-fuzz", "dlq-fuzz")) KAFKA.createTopic(topic, 1);
        KAFKA.produceBytes("case-mapping-fuzz", messages.stream().map(FuzzRecords.Message::value).toList());

        JobOptions options = JobRunner.parse(new CaseMetricsJob(), new String[] {
                "--local", "--kafka.bootstrap-servers", KAFKA.bootstrapServers(), "--kafka.starting-offsets", "earliest",
                "--topic.heartbeat", "heartbeat-fuzz", "--topic.case_mapping", "case-mapping-fuzz", "--table.dlq", "dlq-fuzz",
                "--paimon.warehouse", tmp.resolve("warehouse").toUri().toString(),
                "--checkpoint.interval", "500 ms", "--checkpoint.dir", tmp.resolve("checkpoints").toUri().toString(),
                "--source.max-future", "3650 d",
                "--restart.attempts", "0", // any exception fails the job for good: nothing may be hidden by a restart
                "--parallelism", "1"});
        PaimonTables lake = PaimonTables.fromOptions(options);
        LakeFixtures.upsert(lake, "dim_city_area", List.of("city_name", "area_name", "city_code", "area_code"),
                List.of("city_name", "area_name"), List.of(Map.of("city_name", "Shanghai", "area_name", "Pudong",
                        "city_code", "SH", "area_code", "PD")));
        LakeFixtures.upsert(lake, "dim_order", List.of("task_id", "order_id", "customer_id"), List.of("task_id"),
                List.of(Map.of("task_id", "task-A", "order_id", "order-7", "customer_id", "cust-3")));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new CaseMetricsJob(), options);
        JobClient job = JobRunner.executeAsync(env, options, "case-metrics-job fuzz");
        try {
            // the heartbeats only once every chunk is read: a chunk read after the heartbeats have closed its window is
            // late, and 10,000 more chunks must not change which chunks are (as in production, cases come first)
            Await.until(WAIT, () -> FuzzRecords.count(job.getAccumulators().get(), JobCounter.RECORDS_IN, "case_mapping") == messages.size() ? true : null);
            KAFKA.produceAll("heartbeat-fuzz", CaseTestData.e2eHeartbeats());

            List<ConsumerRecord<String, String>> deadLetters = Await.until(WAIT, () -> {
                assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("the job has ended").isFalse();
                List<ConsumerRecord<String, String>> r = KAFKA.readRecords("dlq-fuzz", true, Duration.ofSeconds(2));
                Await.seen(r.size() + " dead letters");
                return r.size() >= BAD ? r : null;
            });
            System.out.println("FUZZ case_mapping through Kafka: "
                    + FuzzRecords.assertDeadLetters(deadLetters, messages, "case-mapping-fuzz", "case_mapping"));

            // the job's own counters account for every chunk: 5 written, 1 duplicate dropped, the rest dead letters
            Map<String, Object> counters = Await.until(WAIT, () -> {
                Map<String, Object> c = job.getAccumulators().get();
                Await.seen(c);
                return FuzzRecords.count(c, JobCounter.RECORDS_IN, "case_mapping") == messages.size()
                        && FuzzRecords.count(c, JobCounter.ROWS_OUT, "ods_case_mapping") == 5 ? c : null;
            });
            assertThat(FuzzRecords.deadLetterCount(counters)).isEqualTo(BAD);
            assertThat(FuzzRecords.count(counters, JobCounter.DUPLICATES_DROPPED, "case_mapping")).isEqualTo(1);

            // the scenario's results, as without the bad chunks
            List<Map<String, Object>> metrics = Await.until(WAIT, () -> {
                List<Map<String, Object>> rows = lake.tableExists("dws_daily_mps_mpd") ? lake.readAll("dws_daily_mps_mpd") : List.of();
                Await.seen(rows);
                boolean allCases = rows.stream().filter(r -> r.get("trigger_type").equals("ALL"))
                        .mapToLong(r -> (Long) r.get("case_count")).sum() == 4;
                return rows.size() == ExpectedMetrics.ROWS.size() && allCases ? rows : null;
            });
            for (Map<String, Object> row : metrics) ExpectedMetrics.assertRow(row.get("city_code") + "/" + row.get("trigger_type"), row);
            assertThat(lake.readAll("dwd_case_detail")).hasSize(4);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            Await.cancelled(job);
        }
    }
}
