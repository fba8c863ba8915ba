package org.dataloop.posetrigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.dataloop.common.parse.JsonParsers;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.sim.FleetSimulator;
import org.dataloop.common.sim.InjectedBrake;
import org.dataloop.common.sim.SimulatorConfig;
import org.dataloop.common.testing.Await;
import org.dataloop.common.testing.FuzzRecords;
import org.dataloop.common.testing.KafkaTestCluster;

/**
 * 10,000 seeded bad pose samples ({@link FuzzRecords}) mixed into a simulated fleet's samples, through the real job
 * from Kafka, restarts off: the job must not fail, the counters account for every message, every bad one has its dead
 * letter with its reason and Kafka coordinates, and the triggers are exactly the simulator's injected brakes.
 */
class PoseFuzzIT {
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
    void badPoseSamplesNeverStopTheJobAndEachIsADeadLetterWithItsReason() throws Exception {
        SimulatorConfig config = new SimulatorConfig();
        config.cars = 2;
        config.durationSeconds = 240;
        config.hardBrakesPerCarHour = 60;
        FleetSimulator sim = new FleetSimulator(config);
        List<InjectedBrake> brakes = sim.injectedBrakes();
        assertThat(brakes).hasSizeGreaterThanOrEqualTo(4);
        List<String> valid = new ArrayList<>();
        for (int i = 0; i < sim.poseCount(); i++) valid.add(sim.poseLine(i));

        List<FuzzRecords.Message> messages = FuzzRecords.mix(valid, BAD, 20261202L, FuzzRecords.POSE);
        for (String topic : List.of("pose-fuzz", "dlq-fuzz", "trigger-fuzz")) KAFKA.createTopic(topic, 1);
        KAFKA.produceBytes("pose-fuzz", messages.stream().map(FuzzRecords.Message::value).toList());

        JobOptions options = JobRunner.parse(new PoseTriggerJob(), new String[] {
                "--kafka.bootstrap-servers", KAFKA.bootstrapServers(), "--topic.pose", "pose-fuzz",
                "--table.dlq", "dlq-fuzz", "--table.trigger_hard_brake", "trigger-fuzz", "--kafka.starting-offsets", "earliest",
                "--paimon.warehouse", tmp.resolve("warehouse").toUri().toString(),
                "--checkpoint.interval", "500 ms", "--checkpoint.dir", tmp.resolve("checkpoints").toUri().toString(),
                "--state.backend", "rocksdb", "--source.max-future", "3650 d", // the simulator's days are fixed
                "--restart.attempts", "0", // any exception fails the job for good: nothing may be hidden by a restart
                "--parallelism", "1"});
        PaimonTables lake = PaimonTables.fromOptions(options);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new PoseTriggerJob(), options);
        JobClient job = JobRunner.executeAsync(env, options, "pose-trigger-job fuzz");
        try {
            List<ConsumerRecord<String, String>> deadLetters = Await.until(WAIT, () -> {
                assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("the job has ended").isFalse();
                List<ConsumerRecord<String, String>> r = KAFKA.readRecords("dlq-fuzz", true, Duration.ofSeconds(2));
                Await.seen(r.size() + " dead letters");
                return r.size() >= BAD ? r : null;
            });
            System.out.println("FUZZ pose through Kafka: " + FuzzRecords.assertDeadLetters(deadLetters, messages, "pose-fuzz", "pose"));

            // the job's own counters account for every message (a running job's accumulators arrive with its heartbeats)
            Map<String, Object> counters = Await.until(WAIT, () -> {
                Map<String, Object> c = job.getAccumulators().get();
                Await.seen(c);
                return FuzzRecords.count(c, JobCounter.RECORDS_IN, "pose") == messages.size()
                        && FuzzRecords.count(c, JobCounter.ROWS_OUT, "ods_pose") == valid.size() ? c : null;
            });
            assertThat(FuzzRecords.deadLetterCount(counters)).isEqualTo(BAD);
            assertThat(FuzzRecords.count(counters, JobCounter.DUPLICATES_DROPPED, "pose")).isZero();

            // the triggers: each injected brake exactly once, as without the bad samples
            Set<String> expected = new HashSet<>();
            for (InjectedBrake b : brakes) expected.add(b.carId() + "|" + b.startTs() + "|" + b.endTs());
            List<String> seen = Await.until(WAIT, () -> {
                List<String> t = new ArrayList<>();
                for (ConsumerRecord<String, String> r : KAFKA.readRecords("trigger-fuzz", true, Duration.ofSeconds(2))) {
                    JsonNode n = JsonParsers.MAPPER.readTree(r.value());
                    t.add(n.get("car_id").asText() + "|" + n.get("start_ts").asLong() + "|" + n.get("end_ts").asLong());
                }
                Await.seen(t);
                return t.size() >= expected.size() ? t : null;
            });
            assertThat(seen).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(lake.readAll("ods_pose")).hasSize(valid.size());
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            Await.cancelled(job);
        }
    }
}
