package org.dataloop.posetrigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.type.TypeReference;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.parse.JsonParsers;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.sim.FleetSimulator;
import org.dataloop.common.sim.InjectedBrake;
import org.dataloop.common.sim.SimulatorConfig;
import org.dataloop.common.testing.Await;
import org.dataloop.common.testing.KafkaTestCluster;
import org.dataloop.common.testing.StableUids;

/**
 * pose-trigger-job end to end on real parts: an in-JVM Kafka broker and Paimon on local disk, on a
 * MiniCluster, options through the real command-line parsing. Simulator pose with injected brakes, plus
 * a malformed message, a duplicate and a late sample; the job is stopped with a savepoint halfway
 * (episodes open, samples buffered) and restored.
 */
class PoseTriggerJobIT {
    @RegisterExtension
    static final KafkaTestCluster KAFKA = new KafkaTestCluster();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    private JobOptions options(String suffix, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--kafka.bootstrap-servers", KAFKA.bootstrapServers(),
                "--topic.pose", "pose-" + suffix,
                "--table.dlq", "dlq-" + suffix,
                "--table.trigger_hard_brake", "trigger-hard-brake-" + suffix,
                "--kafka.starting-offsets", "earliest",
                "--paimon.warehouse", tmp.resolve("warehouse").toUri().toString(),
                "--checkpoint.interval", "500 ms",
                "--checkpoint.dir", tmp.resolve("checkpoints").toUri().toString(),
                "--state.backend", "rocksdb",
                "--parallelism", "1"));
        args.addAll(List.of(extra));
        return JobRunner.parse(new PoseTriggerJob(), args.toArray(String[]::new));
    }

    /** The production wiring (Kafka, lake) keeps the committed operator uids: savepoints keep restoring. */
    @Test
    void operatorUidsAreTheCommittedOnes() throws Exception {
        JobOptions options = options("uids");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new PoseTriggerJob(), options);
        StableUids.assertCommitted(env, "pose-trigger-job");
    }

    private static JobClient start(JobOptions options) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new PoseTriggerJob(), options);
        return JobRunner.executeAsync(env, options, "pose-trigger-job");
    }

    @Test
    void everyInjectedBrakeIsPublishedExactlyOnceAcrossAStopWithSavepointAndTheLakeTablesAreComplete() throws Exception {
        SimulatorConfig config = new SimulatorConfig();
        config.cars = 2;
        config.durationSeconds = 240;
        config.hardBrakesPerCarHour = 60;
        FleetSimulator sim = new FleetSimulator(config);
        List<InjectedBrake> brakes = sim.injectedBrakes();
        assertThat(brakes).hasSizeGreaterThanOrEqualTo(4);

        int n = (int) sim.poseCount();
        // a brake is open at the stop: the cut falls inside one
        InjectedBrake cut = brakes.stream().filter(b -> b.startTs() > config.startEpochSecond * 1000 + 60_000).findFirst().orElseThrow();
        int cutAt = 0;
        while (cutAt < n && JsonParsers.MAPPER.readTree(sim.poseLine(cutAt)).get("timestamp_ms").asLong() <= cut.startTs() + 100) cutAt++;
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        for (int i = 0; i < n; i++) (i < cutAt ? first : second).add(sim.poseLine(i));
        first.add(2, "{\"car_id\":\"car-0001\",\"timestamp_ms\":");  // malformed_json
        first.add(5, sim.poseLine(3));                                // duplicate: dropped

        KAFKA.createTopic("pose-sp", 1);
        KAFKA.produceAll("pose-sp", first);
        JobOptions options = options("sp");
        PaimonTables lake = PaimonTables.fromOptions(options);
        JobClient job = start(options);
        int firstValid = cutAt;
        await(() -> lake.tableExists("ods_pose") && lake.readAll("ods_pose").size() == firstValid ? true : null);
        String savepoint = job.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL).get(90, TimeUnit.SECONDS);
        List<ConsumerRecord<String, String>> beforeRestart = KAFKA.readRecords("trigger-hard-brake-sp", true, Duration.ofSeconds(5));
        assertThat(beforeRestart).hasSizeLessThan(brakes.size()); // the rest comes after the restart

        KAFKA.produceAll("pose-sp", second);
        JobClient restored = start(options("sp", "--savepoint.path", savepoint));
        try {
            List<ConsumerRecord<String, String>> triggers = await(() -> {
                List<ConsumerRecord<String, String>> r = KAFKA.readRecords("trigger-hard-brake-sp", true, Duration.ofSeconds(5));
                return r.size() >= brakes.size() ? r : null;
            });
            // a sample long past the watermark: late, also right after a restore (the operators keep their watermark)
            KAFKA.produce("pose-sp", null, sim.poseLine(0));
            // once its dead letter is committed, so is anything it could have caused (both topics commit per checkpoint)
            await(() -> KAFKA.readAll("dlq-sp", true, Duration.ofSeconds(2)).stream().anyMatch(d -> d.contains("\"reason\":\"late\"")) ? true : null);
            triggers = KAFKA.readRecords("trigger-hard-brake-sp", true, Duration.ofSeconds(5));

            Set<String> expected = new HashSet<>();
            for (InjectedBrake b : brakes) expected.add(b.carId() + "|" + b.startTs() + "|" + b.endTs() + "|" + b.speedStart());
            List<String> seen = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            for (ConsumerRecord<String, String> r : triggers) {
                Map<String, Object> t = JsonParsers.MAPPER.readValue(r.value(), new TypeReference<Map<String, Object>>() {});
                assertThat(r.key()).isEqualTo(t.get("car_id"));
                assertThat(t).containsEntry("trigger_type", "hard_brake")
                        .containsEntry("timestamp_ms", t.get("start_ts"))
                        .containsEntry("trigger_id", TriggerIds.hardBrake((String) t.get("car_id"), ((Number) t.get("start_ts")).longValue()));
                assertThat(((Number) t.get("acceleration")).doubleValue()).isEqualTo(-((Number) t.get("peak_decel")).doubleValue());
                assertThat(((Number) t.get("peak_decel")).doubleValue()).isBetween(5.0, 8.0);
                ids.add((String) t.get("trigger_id"));
                seen.add(t.get("car_id") + "|" + t.get("start_ts") + "|" + t.get("end_ts") + "|" + ((Number) t.get("speed_start")).doubleValue());
            }
            assertThat(seen).as("each trigger exactly once").containsExactlyInAnyOrderElementsOf(expected);
            assertThat(ids).hasSize(brakes.size());

            // ods_pose: every valid sample once (no duplicate, malformed or late one)
            List<Map<String, Object>> ods = await(() -> {
                List<Map<String, Object>> rows = lake.readAll("ods_pose");
                return rows.size() == n ? rows : null;
            });
            assertThat(ods).hasSize(n);

            // tag_tall_table: hard_brake on every second a brake overlaps; speed = the mean of the second's samples
            List<Map<String, Object>> tags = lake.readAll("tag_tall_table");
            Set<String> brakeSeconds = new HashSet<>();
            for (InjectedBrake b : brakes) {
                for (long s = b.startTs() / 1000; s <= b.endTs() / 1000; s++) brakeSeconds.add(b.carId() + "|" + s);
            }
            Set<String> taggedBrakeSeconds = new HashSet<>();
            Map<String, double[]> speedBySecond = new HashMap<>();
            for (int i = 0; i < n; i++) {
                Map<?, ?> line = JsonParsers.MAPPER.readValue(sim.poseLine(i), Map.class);
                String key = line.get("car_id") + "|" + Math.floorDiv(((Number) line.get("timestamp_ms")).longValue(), 1000);
                double[] acc = speedBySecond.computeIfAbsent(key, k -> new double[2]);
                acc[0] += ((Number) line.get("speed")).doubleValue();
                acc[1]++;
            }
            int speedRows = 0;
            for (Map<String, Object> t : tags) {
                String key = t.get("car_id") + "|" + t.get("ts_second");
                if (t.get("tag_id").equals(PoseTags.HARD_BRAKE_ID)) {
                    assertThat(t).containsEntry("tag_name", "hard_brake").containsEntry("value_type", "bool").containsEntry("value", "true");
                    taggedBrakeSeconds.add(key);
                } else {
                    assertThat(t).containsEntry("tag_id", PoseTags.SPEED_ID).containsEntry("tag_name", "speed").containsEntry("value_type", "number");
                    double[] acc = speedBySecond.get(key);
                    assertThat(Double.parseDouble((String) t.get("value"))).as(key).isCloseTo(acc[0] / acc[1], org.assertj.core.data.Offset.offset(0.005));
                    speedRows++;
                }
            }
            assertThat(taggedBrakeSeconds).isEqualTo(brakeSeconds);
            // the last second or two stay behind the watermark of an open-ended stream
            assertThat(speedRows).isBetween(speedBySecond.size() - 2 * config.cars, speedBySecond.size());

            List<String> dlq = await(() -> {
                List<String> r = KAFKA.readAll("dlq-sp", true, Duration.ofSeconds(2));
                return r.size() >= 2 ? r : null;
            });
            assertThat(dlq).hasSize(2);
            assertThat(String.join("\n", dlq)).contains("\"reason\":\"malformed_json\"").contains("\"reason\":\"late\"")
                    .contains("\"topic\":\"pose-sp\"");
        } finally {
            Await.cancelled(restored);
        }
    }

    private static <T> T await(Callable<T> probe) throws Exception {
        return Await.until(WAIT, probe);
    }
}
