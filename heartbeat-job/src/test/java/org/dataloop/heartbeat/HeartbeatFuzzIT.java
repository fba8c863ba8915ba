package org.dataloop.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.dataloop.heartbeat.HeartbeatTestData.DAY_START;
import static org.dataloop.heartbeat.HeartbeatTestData.NEXT_DAY_START;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
import org.dataloop.common.tables.HeartbeatTables;
import org.dataloop.common.testing.Await;
import org.dataloop.common.testing.FuzzRecords;
import org.dataloop.common.testing.KafkaTestCluster;
import org.dataloop.common.testing.ReplayFiles;

/**
 * 10,000 seeded bad heartbeats ({@link FuzzRecords}) mixed into 6,000 valid ones, through the real job from Kafka to
 * the lake and the dead-letter topic, with restarts switched off: the job must not fail, every message is accounted
 * for by the job's own counters, every bad one has its dead letter with its reason and Kafka coordinates, and the daily
 * auto-rate equals a replay of the valid messages alone.
 */
class HeartbeatFuzzIT {
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
    void badHeartbeatsNeverStopTheJobAndEachIsADeadLetterWithItsReason() throws Exception {
        List<String> valid = new ArrayList<>();
        for (int s = 0; s < 1500; s++) {
            for (int car = 1; car <= 4; car++) {
                String line = "{\"car_id\":\"car-" + car + "\",\"ts_second\":" + (DAY_START + s) + ",\"driving_mode\":\""
                        + ((s / 60 + car) % 3 == 0 ? "Manual" : "Auto") + "\",\"speed\":" + (20 + (s + car) % 40) + ".5"
                        + ",\"city\":\"Shanghai\",\"area\":\"Pudong\",\"route_id\":\"r" + car + "\",\"task_id\":\"t-" + car + "\"}";
                valid.add(line);
                if ((s + car) % 50 == 0) valid.add(line); // a duplicate: dropped, counted
            }
        }
        valid.add("{\"car_id\":\"car-9\",\"ts_second\":" + (NEXT_DAY_START + 120) + ",\"driving_mode\":\"Auto\",\"speed\":1}");
        int duplicates = valid.size() - 1 - 6000;

        // the same valid messages replayed alone: the expected daily rows
        Path replayFile = tmp.resolve("valid.jsonl");
        Files.write(replayFile, valid);
        StreamExecutionEnvironment replayEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(replayEnv, new HeartbeatJob(), JobRunner.parse(new HeartbeatJob(), new String[] {
                "--local", "--input.heartbeat", replayFile.toString(), "--output.dir", tmp.resolve("replay").toString(),
                "--auto-rate.allowed-lateness", "1 min", "--state.backend", "hashmap"}));
        replayEnv.execute("valid heartbeats alone");
        Map<String, Map<String, Object>> expected = ReplayFiles.finalRows(tmp.resolve("replay").resolve("dws_daily_auto_rate.jsonl"),
                HeartbeatTables.DWS_DAILY_AUTO_RATE.primaryKey());
        expected.values().removeIf(r -> !r.get("date_key").equals("2026-11-20"));
        assertThat(expected).hasSize(4);

        List<FuzzRecords.Message> messages = FuzzRecords.mix(valid, BAD, 20261202L, FuzzRecords.HEARTBEAT);
        KAFKA.createTopic("heartbeat-fuzz", 1);
        KAFKA.createTopic("dlq-fuzz", 1);
        KAFKA.produceBytes("heartbeat-fuzz", messages.stream().map(FuzzRecords.Message::value).toList());

        JobOptions options = JobRunner.parse(new HeartbeatJob(), new String[] {
                "--local", "--kafka.bootstrap-servers", KAFKA.bootstrapServers(), "--topic.heartbeat", "heartbeat-fuzz",
                "--table.dlq", "dlq-fuzz", "--kafka.starting-offsets", "earliest",
                "--paimon.warehouse", tmp.resolve("warehouse").toUri().toString(),
                "--checkpoint.interval", "500 ms", "--checkpoint.dir", tmp.resolve("checkpoints").toUri().toString(),
                "--state.backend", "rocksdb", "--auto-rate.allowed-lateness", "1 min", "--source.max-future", "3650 d",
                "--restart.attempts", "0", // any exception fails the job for good: nothing may be hidden by a restart
                "--parallelism", "1"});
        PaimonTables lake = PaimonTables.fromOptions(options);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new HeartbeatJob(), options);
        JobClient job = JobRunner.executeAsync(env, options, "heartbeat-job fuzz");
        try {
            List<ConsumerRecord<String, String>> deadLetters = Await.until(WAIT, () -> {
                assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("the job has ended").isFalse();
                List<ConsumerRecord<String, String>> r = KAFKA.readRecords("dlq-fuzz", true, Duration.ofSeconds(2));
                Await.seen(r.size() + " dead letters");
                return r.size() >= BAD ? r : null;
            });
            List<Map<String, Object>> daily = Await.until(WAIT, () -> {
                List<Map<String, Object>> rows = new ArrayList<>(lake.readAll("dws_daily_auto_rate"));
                rows.removeIf(r -> !r.get("date_key").equals("2026-11-20"));
                Await.seen(rows);
                return rows.stream().mapToLong(r -> (Long) r.get("total_duration_seconds")).sum() == 6000 ? rows : null;
            });

            System.out.println("FUZZ heartbeat through Kafka: "
                    + FuzzRecords.assertDeadLetters(deadLetters, messages, "heartbeat-fuzz", "heartbeat"));

            // the job's own counters account for every message (a running job's accumulators arrive with its heartbeats)
            Map<String, Object> counters = Await.until(WAIT, () -> {
                Map<String, Object> c = job.getAccumulators().get();
                Await.seen(c);
                return FuzzRecords.count(c, JobCounter.RECORDS_IN, "heartbeat") == messages.size()
                        && FuzzRecords.count(c, JobCounter.ROWS_OUT, "ods_heartbeat") == 6001 ? c : null;
            });
            long in = FuzzRecords.count(counters, JobCounter.RECORDS_IN, "heartbeat");
            long dead = FuzzRecords.deadLetterCount(counters);
            long dropped = FuzzRecords.count(counters, JobCounter.DUPLICATES_DROPPED, "heartbeat");
            long written = FuzzRecords.count(counters, JobCounter.ROWS_OUT, "ods_heartbeat");
            assertThat(in).isEqualTo(messages.size());
            assertThat(dead).isEqualTo(BAD);
            assertThat(dropped).isEqualTo(duplicates);
            assertThat(written).isEqualTo(6001);
            assertThat(in).isEqualTo(written + dead + dropped);

            // the valid messages' results are those of the valid messages alone
            assertThat(daily).hasSize(4);
            for (Map<String, Object> row : daily) {
                Map<String, Object> want = expected.get(ReplayFiles.key(row, HeartbeatTables.DWS_DAILY_AUTO_RATE.primaryKey()));
                assertThat(want).as("row %s", row).isNotNull();
                assertThat(row.get("total_duration_seconds")).isEqualTo(((Number) want.get("total_duration_seconds")).longValue());
                assertThat(row.get("auto_duration_seconds")).isEqualTo(((Number) want.get("auto_duration_seconds")).longValue());
                assertThat((double) row.get("total_miles")).isCloseTo(((Number) want.get("total_miles")).doubleValue(), within(1e-9));
                assertThat((double) row.get("auto_miles")).isCloseTo(((Number) want.get("auto_miles")).doubleValue(), within(1e-9));
            }
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            Await.cancelled(job);
        }
    }

    /** A replay file (the local runs' input) with a line that is not UTF-8: a dead letter, as from Kafka, and the rest read. */
    @Test
    void aReplayLineThatIsNotUtf8IsADeadLetter() throws Exception {
        String valid = "{\"car_id\":\"car-1\",\"ts_second\":" + DAY_START + ",\"driving_mode\":\"Auto\",\"speed\":36}";
        byte[] bad = "{\"car_id\":\"car-\u00ff\",\"ts_second\":1,\"driving_mode\":\"Auto\",\"speed\":1}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Path file = tmp.resolve("mixed.jsonl");
        try (var out = Files.newOutputStream(file)) {
            out.write(bad); // 0xFF: never part of UTF-8
            out.write('\n');
            out.write(valid.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.write("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            // a line far longer than the reader's buffer, the last one, without a line end
            out.write(valid.replace("\"speed\":36", "\"speed\":36,\"city\":\"" + "x".repeat(200_000) + "\"")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new HeartbeatJob(), JobRunner.parse(new HeartbeatJob(), new String[] {
                "--local", "--input.heartbeat", file.toString(), "--output.dir", tmp.resolve("out").toString(), "--state.backend", "hashmap"}));
        env.execute("a replay with a line that is not UTF-8");
        List<Map<String, Object>> deadLetters = ReplayFiles.lines(tmp.resolve("out").resolve("dlq.jsonl"));
        assertThat(deadLetters).hasSize(2);
        assertThat(deadLetters.get(0)).containsEntry("reason", "malformed_json").containsEntry("detail", "not valid UTF-8");
        assertThat((String) deadLetters.get(0).get("raw")).startsWith("{\"car_id\":\"car-\ufffd\"");
        assertThat(deadLetters.get(1)).containsEntry("reason", "bad_value")
                .containsEntry("detail", "city must have at most 128 bytes in UTF-8, has more");
        assertThat(ReplayFiles.lines(tmp.resolve("out").resolve("ods_heartbeat.jsonl"))).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("car_id", "car-1"));
    }
}
