package org.dataloop.posetrigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dataloop.posetrigger.PoseTestData.T0;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.core.type.TypeReference;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.RestoredCheckpointStats;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.parse.JsonParsers;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.testing.Await;
import org.dataloop.common.testing.Failures;
import org.dataloop.common.testing.KafkaTestCluster;

/**
 * pose-trigger-job through failures, on real parts: two task managers (one slot each, so the job runs on both),
 * the in-JVM Kafka broker (pose topic with two partitions), Paimon on local disk, parallelism 2, checkpoints every
 * 500 ms, exactly-once triggers. About 200,000 pose samples of ten cars at 10 Hz with hard brakes whose triggers are
 * worked out by hand below, duplicates, samples out of order and malformed messages, sent while the job runs (a
 * little ahead of it). Four failures at different
 * moments — in a checkpoint's snapshot, at a record, right after a checkpoint completed, and a task manager lost —
 * must leave every output as one fault-free run gives it: each trigger once (read_committed), every sample once in
 * ods_pose, tag_tall_table as predicted, each dead letter once.
 */
class PoseTriggerFailoverIT {
    @RegisterExtension
    static final KafkaTestCluster KAFKA = new KafkaTestCluster();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(2).setNumberSlotsPerTaskManager(1).build());

    private static final Duration WAIT = Duration.ofMinutes(4);
    private static final String POSE = "pose-failover";
    private static final String TRIGGERS = "trigger-hard-brake-failover";
    private static final String DLQ = "dlq-failover";

    static final int CARS = 10;
    static final int SECONDS = 2020;
    static final int TICKS = SECONDS * 10;
    static final int PARTITIONS = 2;
    /** How far the input may run ahead of the job (records). */
    static final int AHEAD = 12_000;
    /** Records sent per checkpoint the job completed (500 ms): about 10,000 a second, near what the job manages. */
    static final int PER_CHECKPOINT = 5_000;

    @TempDir
    Path tmp;

    @Test
    void everyOutputIsExactlyOnceThroughInjectedFailuresAndALostTaskManager(@InjectMiniCluster MiniCluster cluster) throws Exception {
        long began = System.nanoTime();
        cpuAtStart = cpuSeconds();
        Fleet fleet = new Fleet();
        assertThat(fleet.samples).isGreaterThanOrEqualTo(200_000);
        assertThat(fleet.triggers).hasSizeGreaterThan(150);

        KAFKA.createTopic(POSE, PARTITIONS);
        KAFKA.createTopic(TRIGGERS, PARTITIONS);
        KAFKA.createTopic(DLQ, 1);
        log(began, "input generated");

        JobOptions options = JobRunner.parse(new PoseTriggerJob(), new String[] {
                "--kafka.bootstrap-servers", KAFKA.bootstrapServers(),
                "--topic.pose", POSE,
                "--table.trigger_hard_brake", TRIGGERS,
                "--table.dlq", DLQ,
                "--kafka.starting-offsets", "earliest",
                "--paimon.warehouse", tmp.resolve("warehouse").toUri().toString(),
                "--checkpoint.interval", "500 ms",
                "--checkpoint.dir", tmp.resolve("checkpoints").toUri().toString(),
                "--state.backend", "rocksdb",
                "--parallelism", "2",
                "--restart.delay", "100 ms",
                "--restart.max-delay", "1 s",
                "--trigger.delivery", "exactly_once",
                // the input arrives while the job runs: a partition must not be taken for idle while it waits for more
                "--source.idle-timeout", "10 min"});
        // One failure after the other, each armed once a further fifth of the input has been sent, the previous failure has
        // fired and the job has completed two more checkpoints since (so each restores from a later checkpoint): in the
        // snapshot of the next checkpoint, 5,000 records later, right after the next checkpoint completes, and a task
        // manager lost. The input is paced by completed checkpoints, so it is still arriving at the last of them.
        Failures.Plan plan = Failures.plan();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new PoseTriggerJob(), options, plan.on("pose"));
        JobClient job = JobRunner.executeAsync(env, options, "pose-trigger-job failover");
        JobID id = job.getJobID();
        Feeder feeder = new Feeder(fleet, plan, () -> completedCheckpoints(cluster, id));
        ExecutorService feeding = Executors.newSingleThreadExecutor();
        Future<List<String>> fed = feeding.submit(feeder);
        log(began, "job submitted; " + fleet.records + " records to send, " + fleet.triggers.size() + " triggers expected");
        PaimonTables lake = PaimonTables.fromOptions(options);
        List<Long> restoredFrom = new ArrayList<>();
        try {
            feeder.awaitSentFifths(1);
            plan.inSnapshotOf(1); // the next checkpoint
            await(() -> plan.fired() >= 1 ? true : null);
            runsAgain(cluster, id, restoredFrom);
            log(began, "failed in a checkpoint's snapshot, restored from " + restoredFrom + "; " + feeder.sent.get() + " records sent");
            feeder.awaitSentFifths(2);
            plan.atRecord(plan.records() + 5_000);
            await(() -> plan.fired() >= 2 ? true : null);
            runsAgain(cluster, id, restoredFrom);
            log(began, "failed at a record, restored from " + restoredFrom + "; " + feeder.sent.get() + " records sent");
            feeder.awaitSentFifths(3);
            plan.afterCheckpoint(1); // the next checkpoint that completes
            await(() -> plan.fired() >= 3 ? true : null);
            runsAgain(cluster, id, restoredFrom);
            log(began, "failed after a checkpoint, restored from " + restoredFrom + "; " + feeder.sent.get() + " records sent");
            feeder.awaitSentFifths(4);
            assertThat(fed).as("input is still arriving when the task manager is lost").isNotDone();
            long readBeforeLoss = plan.records();
            Failures.replaceTaskManager(cluster, 0);
            log(began, "task manager replaced after " + readBeforeLoss + " records read, " + feeder.sent.get() + " sent");
            List<String> expectedDlq = fed.get();
            log(began, "input sent");

            // complete: every failure fired, every expected message and row is there
            await(() -> {
                Await.seen(plan.fired() + " failures fired");
                if (plan.fired() < 3) return null;
                List<ConsumerRecord<String, String>> t = KAFKA.readRecords(TRIGGERS, true, Duration.ofSeconds(10));
                Await.seen("triggers " + t.size() + " of " + fleet.triggers.size());
                if (t.size() < fleet.triggers.size()) return null;
                int dlq = KAFKA.readRecords(DLQ, true, Duration.ofSeconds(10)).size();
                Await.seen("dead letters " + dlq + " of " + expectedDlq.size());
                if (dlq < expectedDlq.size()) return null;
                int tags = lake.readAll("tag_tall_table").size();
                Await.seen("tags " + tags + " of " + fleet.tags.size());
                if (tags < fleet.tags.size()) return null;
                int ods = lake.readAll("ods_pose").size();
                Await.seen("ods_pose " + ods + " of " + fleet.odsKeys.size());
                return ods >= fleet.odsKeys.size() ? true : null;
            });
            log(began, "outputs complete");
            // and two more checkpoints committed their transactions and snapshots: nothing else may come
            long completed = completedCheckpoints(cluster, id);
            await(() -> completedCheckpoints(cluster, id) >= completed + 2 ? true : null);

            assertThat(plan.fired()).isEqualTo(3);
            restoredFrom.add(checkpoints(cluster, id).getLatestRestoredCheckpoint().getCheckpointId());
            // the last three failures came after completed checkpoints, each restored from a later one
            assertThat(restoredFrom.subList(1, 4)).as("restored from").isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
            assertThat(checkpoints(cluster, id).getCounts().getNumberOfRestoredCheckpoints()).as("restores").isGreaterThanOrEqualTo(3);

            List<String> triggers = new ArrayList<>();
            for (ConsumerRecord<String, String> r : KAFKA.readRecords(TRIGGERS, true, Duration.ofSeconds(10))) {
                Map<String, Object> t = JsonParsers.MAPPER.readValue(r.value(), new TypeReference<Map<String, Object>>() {});
                assertThat(r.key()).isEqualTo(t.get("car_id"));
                assertThat(t).containsEntry("trigger_type", "hard_brake").containsEntry("timestamp_ms", t.get("start_ts"));
                assertThat(((Number) t.get("duration_ms")).longValue())
                        .isEqualTo(((Number) t.get("end_ts")).longValue() - ((Number) t.get("start_ts")).longValue());
                assertThat(((Number) t.get("acceleration")).doubleValue()).isEqualTo(-((Number) t.get("peak_decel")).doubleValue());
                triggers.add(Trigger.key(t));
            }
            assertThat(triggers).as("each trigger exactly once").containsExactlyInAnyOrderElementsOf(fleet.triggers);

            List<String> dlq = new ArrayList<>();
            for (String v : KAFKA.readAll(DLQ, true, Duration.ofSeconds(10))) {
                Map<String, Object> d = JsonParsers.MAPPER.readValue(v, new TypeReference<Map<String, Object>>() {});
                assertThat((String) d.get("detail")).isNotBlank();
                dlq.add(deadLetterKey(d));
            }
            assertThat(dlq).as("each dead letter exactly once").containsExactlyInAnyOrderElementsOf(expectedDlq);

            List<String> ods = new ArrayList<>();
            for (Map<String, Object> r : lake.readAll("ods_pose")) {
                ods.add(r.get("car_id") + "|" + r.get("timestamp_ms") + "|" + r.get("speed") + "|" + r.get("acceleration_longitudinal"));
            }
            assertThat(ods).as("ods_pose: every distinct sample once").hasSize(fleet.odsKeys.size());
            assertSameSet("ods_pose", new HashSet<>(ods), fleet.odsKeys);

            Map<String, String> tags = new HashMap<>();
            for (Map<String, Object> r : lake.readAll("tag_tall_table")) {
                String key = r.get("car_id") + "|" + r.get("ts_second") + "|" + r.get("tag_id");
                assertThat(tags.put(key, r.get("tag_name") + "|" + r.get("value_type") + "|" + r.get("value"))).as(key).isNull();
            }
            Set<String> tagRows = new HashSet<>();
            tags.forEach((k, v) -> tagRows.add(k + "=" + v));
            Set<String> expectedTagRows = new HashSet<>();
            fleet.tags.forEach((k, v) -> expectedTagRows.add(k + "=" + v));
            assertSameSet("tag_tall_table", tagRows, expectedTagRows);
            log(began, "checked; restored from checkpoints " + restoredFrom + ", checkpoints completed "
                    + checkpoints(cluster, id).getCounts().getNumberOfCompletedCheckpoints());
        } finally {
            feeding.shutdownNow();
            Await.cancelled(job);
        }
    }

    /** Compares two large sets, showing a few of the differences rather than both sets. */
    private static void assertSameSet(String what, Set<String> actual, Set<String> expected) {
        List<String> missing = expected.stream().filter(e -> !actual.contains(e)).sorted().limit(20).toList();
        List<String> unexpected = actual.stream().filter(a -> !expected.contains(a)).sorted().limit(20).toList();
        assertThat(missing).as(what + ": missing rows (the first 20)").isEmpty();
        assertThat(unexpected).as(what + ": unexpected rows (the first 20)").isEmpty();
    }

    private static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    /**
     * Progress with the wall time and the CPU time this JVM used (the cluster, the broker and the test all run in it)
     * since the test began: on a busy machine the CPU time says what the test costs.
     */
    private static void log(long began, String what) {
        System.out.printf("PoseTriggerFailoverIT [%5.1fs, cpu %5.1fs] %s%n", (System.nanoTime() - began) / 1e9, cpuSeconds() - cpuAtStart, what);
    }

    private static double cpuAtStart;

    private static CheckpointStatsSnapshot checkpoints(MiniCluster cluster, JobID id) throws Exception {
        return cluster.getExecutionGraph(id).get().getCheckpointStatsSnapshot();
    }

    private static long completedCheckpoints(MiniCluster cluster, JobID id) throws Exception {
        return checkpoints(cluster, id).getCounts().getNumberOfCompletedCheckpoints();
    }

    /** After a failure: waits until the job has completed two more checkpoints, and notes the checkpoint it restored. */
    private static void runsAgain(MiniCluster cluster, JobID id, List<Long> restoredFrom) throws Exception {
        long completed = completedCheckpoints(cluster, id);
        await(() -> completedCheckpoints(cluster, id) >= completed + 2 ? true : null);
        RestoredCheckpointStats restored = checkpoints(cluster, id).getLatestRestoredCheckpoint();
        restoredFrom.add(restored == null ? -1 : restored.getCheckpointId());
    }

    /**
     * Sends the input while the job runs, both partitions in step, each in its order, at most {@link #AHEAD} records
     * ahead of what the job has read and at most {@link #PER_CHECKPOINT} records per checkpoint the job has completed:
     * checkpoints are not held up behind a long backlog, and input keeps arriving while the failures happen. Returns the
     * expected dead letters of the malformed messages.
     */
    private static final class Feeder implements Callable<List<String>> {
        private final Fleet fleet;
        private final Failures.Plan plan;
        private final Callable<Long> checkpoints;
        final AtomicLong sent = new AtomicLong();

        Feeder(Fleet fleet, Failures.Plan plan, Callable<Long> checkpoints) {
            this.fleet = fleet;
            this.plan = plan;
            this.checkpoints = checkpoints;
        }

        void awaitSentFifths(int fifths) throws Exception {
            await(() -> sent.get() * 5 >= (long) fleet.records * fifths ? true : null);
        }

        @Override
        public List<String> call() throws Exception {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
            List<String> dlq = new ArrayList<>();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
                List<Future<RecordMetadata>> acks = new ArrayList<>();
                List<Malformed> malformed = new ArrayList<>();
                int longest = Math.max(fleet.partitions.get(0).size(), fleet.partitions.get(1).size());
                for (int r = 0; r < longest; r++) {
                    if (r % 500 == 0) {
                        long next = sent.get() + 1000;
                        Await.until(WAIT, () -> plan.records() + AHEAD >= next && checkpoints.call() * PER_CHECKPOINT + AHEAD >= next ? true : null);
                    }
                    for (int p = 0; p < PARTITIONS; p++) {
                        if (r >= fleet.partitions.get(p).size()) continue;
                        Object record = fleet.partitions.get(p).get(r);
                        String value = record instanceof Malformed m ? m.raw : (String) record;
                        Future<RecordMetadata> ack = producer.send(new ProducerRecord<>(POSE, p, null, value));
                        acks.add(ack);
                        sent.incrementAndGet();
                        if (record instanceof Malformed m) {
                            m.ack = ack;
                            malformed.add(m);
                        }
                    }
                }
                for (Future<RecordMetadata> ack : acks) ack.get();
                for (Malformed m : malformed) {
                    RecordMetadata md = m.ack.get();
                    dlq.add(String.join("|", "pose-trigger-job", "pose", m.reason, m.raw, POSE, String.valueOf(md.partition()),
                            String.valueOf(md.offset())));
                }
            }
            return dlq;
        }
    }

    private static String deadLetterKey(Map<String, Object> d) {
        return String.join("|", (String) d.get("job"), (String) d.get("stream"), (String) d.get("reason"), (String) d.get("raw"),
                (String) d.get("topic"), String.valueOf(d.get("partition")), String.valueOf(d.get("offset")));
    }

    private static <T> T await(Callable<T> probe) throws Exception {
        return Await.until(WAIT, probe);
    }

    /** A malformed message and the reason it must be rejected with. */
    private static final class Malformed {
        final String raw;
        final String reason;
        Future<RecordMetadata> ack;

        Malformed(String raw, String reason) {
            this.raw = raw;
            this.reason = reason;
        }
    }

    /** A trigger as compared: every field the contract defines, the message key apart. */
    private static final class Trigger {
        static String of(String car, long start, long end, int samples, double speedStart, double speedEnd, double peak, double lat, double lon) {
            String id = UUID.nameUUIDFromBytes(("hard_brake|" + car + "|" + start).getBytes(StandardCharsets.UTF_8)).toString();
            return String.join("|", id, car, String.valueOf(start), String.valueOf(end), String.valueOf(samples),
                    String.valueOf(speedStart), String.valueOf(speedEnd), String.valueOf(peak), String.valueOf(lat), String.valueOf(lon));
        }

        static String key(Map<String, Object> t) {
            return String.join("|", (String) t.get("trigger_id"), (String) t.get("car_id"),
                    String.valueOf(((Number) t.get("start_ts")).longValue()), String.valueOf(((Number) t.get("end_ts")).longValue()),
                    String.valueOf(((Number) t.get("sample_count")).intValue()),
                    String.valueOf(((Number) t.get("speed_start")).doubleValue()), String.valueOf(((Number) t.get("speed_end")).doubleValue()),
                    String.valueOf(((Number) t.get("peak_decel")).doubleValue()),
                    String.valueOf(((Number) t.get("latitude")).doubleValue()), String.valueOf(((Number) t.get("longitude")).doubleValue()));
        }
    }

    /**
     * The input and, worked out by hand from how it is built, every output. Car {@code i} (partition {@code i % 2})
     * drives at {@code 40 + 2i} km/h (integers, so every second's mean speed is exact), accelerating at 0.5 m/s²
     * except every 37th tick at −3.9 (just above the threshold: not braking). Every 100 s it has one of six brake
     * patterns, starting at tick {@code 1000j + 300 + 37i}; a braking sample {@code k} ticks into it slows to
     * {@code v0 − k} km/h at {@code −(5 + k % 3)} m/s² (so any three in a row peak at 7):
     * <ol start="0">
     *   <li>{@code n = 3 + (i + j) % 10} braking samples: one trigger of n samples (n = 3 is exactly the 200 ms minimum);</li>
     *   <li>4 braking, 4 at −2 m/s², 3 braking: the runs are 500 ms apart and merge, one trigger of 7 samples over 1 s;</li>
     *   <li>3 braking, 9 at −2 m/s², 3 braking: exactly 1 s apart, they do not merge: two triggers of 3;</li>
     *   <li>2 samples at −9 m/s²: 100 ms, too short, no trigger;</li>
     *   <li>6 braking samples at 3 km/h: too slow, no trigger;</li>
     *   <li>4 braking, then no sample for 900 ms, then 2 braking: exactly 1 s apart, still consecutive: one trigger of 6.</li>
     * </ol>
     * Each partition's samples are in time order, except that every 503rd tick the first car of the partition sends
     * its sample after the next one (100 ms out of order: never late). Every 1000th record is sent twice in a row,
     * every 3001st again 7 records later; three malformed messages per partition; last, a sample of a car
     * {@code end-p<partition>} 10 s after the rest, which takes event time past every other car's data.
     */
    static final class Fleet {
        final List<List<Object>> partitions = new ArrayList<>();
        final List<String> triggers = new ArrayList<>();
        final Set<String> odsKeys = new HashSet<>();
        final Map<String, String> tags = new HashMap<>();
        int samples;
        /** Records sent. */
        int records;

        Fleet() {
            int[][] speed = new int[CARS][TICKS];
            double[][] accel = new double[CARS][TICKS];
            boolean[][] absent = new boolean[CARS][TICKS];
            for (int i = 0; i < CARS; i++) {
                int v0 = 40 + 2 * i;
                for (int t = 0; t < TICKS; t++) {
                    speed[i][t] = v0;
                    accel[i][t] = t % 37 == 0 ? -3.9 : 0.5;
                }
                for (int j = 0; j * 1000 + 1000 <= TICKS; j++) {
                    int s = j * 1000 + 300 + 37 * i;
                    int[] sp = speed[i];
                    double[] ac = accel[i];
                    String car = car(i);
                    switch ((i + j) % 6) {
                        case 0 -> {
                            int n = 3 + (i + j) % 10;
                            for (int k = 0; k < n; k++) brake(sp, ac, s, k, v0);
                            trigger(car, i, s, s + n - 1, n, v0, v0 - (n - 1));
                        }
                        case 1 -> {
                            for (int k = 0; k <= 10; k++) {
                                if (k <= 3 || k >= 8) brake(sp, ac, s, k, v0); else slow(sp, ac, s, k, v0);
                            }
                            trigger(car, i, s, s + 10, 7, v0, v0 - 10);
                        }
                        case 2 -> {
                            for (int k = 0; k <= 14; k++) {
                                if (k <= 2 || k >= 12) brake(sp, ac, s, k, v0); else slow(sp, ac, s, k, v0);
                            }
                            trigger(car, i, s, s + 2, 3, v0, v0 - 2);
                            trigger(car, i, s + 12, s + 14, 3, v0 - 12, v0 - 14);
                        }
                        case 3 -> {
                            for (int k = 0; k < 2; k++) {
                                sp[s + k] = v0 - k;
                                ac[s + k] = -9.0;
                            }
                        }
                        case 4 -> {
                            for (int k = 0; k < 6; k++) {
                                brake(sp, ac, s, k, v0);
                                sp[s + k] = 3;
                            }
                        }
                        default -> {
                            for (int k = 0; k <= 14; k++) {
                                if (k <= 3 || k >= 13) brake(sp, ac, s, k, v0); else absent[i][s + k] = true;
                            }
                            trigger(car, i, s, s + 14, 6, v0, v0 - 14);
                        }
                    }
                }
            }

            // expected rows: ods_pose and the speed tag of every car-second (each second's samples, exact decimals)
            for (int i = 0; i < CARS; i++) {
                for (int sec = 0; sec < SECONDS; sec++) {
                    int sum = 0;
                    int count = 0;
                    for (int t = sec * 10; t < sec * 10 + 10; t++) {
                        if (absent[i][t]) continue;
                        sum += speed[i][t];
                        count++;
                        odsKeys.add(car(i) + "|" + ts(t) + "|" + (double) speed[i][t] + "|" + accel[i][t]);
                    }
                    String mean = new BigDecimal(sum).divide(new BigDecimal(count), 2, RoundingMode.HALF_UP).toPlainString();
                    tags.put(car(i) + "|" + (T0 / 1000 + sec) + "|" + PoseTags.SPEED_ID, "speed|number|" + mean);
                }
            }
            samples = odsKeys.size();

            for (int p = 0; p < PARTITIONS; p++) {
                List<String> lines = new ArrayList<>();
                int first = p;
                for (int t = 0; t < TICKS; t++) {
                    for (int i = p; i < CARS; i += PARTITIONS) {
                        if (i == first && t % 503 == 0 && t + 1 < TICKS) continue; // sent after the next one
                        if (!absent[i][t]) lines.add(json(i, t, speed[i][t], accel[i][t]));
                        if (i == first && t % 503 == 1 && !absent[i][t - 1]) lines.add(json(i, t - 1, speed[i][t - 1], accel[i][t - 1]));
                    }
                }
                List<Object> records = new ArrayList<>();
                Map<Integer, String> later = new TreeMap<>();
                for (int r = 0; r < lines.size(); r++) {
                    records.add(lines.get(r));
                    if (r % 1000 == 999) records.add(lines.get(r));
                    if (r % 3001 == 3000) later.put(r + 7, lines.get(r));
                    if (later.containsKey(r)) records.add(later.remove(r));
                    if (r == 10_000 + p) records.add(new Malformed("{\"car_id\":\"car-0" + p + "\",\"timestamp_ms\":", "malformed_json"));
                    if (r == 50_000 + p) {
                        records.add(new Malformed("{\"car_id\":\"car-0" + p + "\",\"timestamp_ms\":" + ts(5000) + ",\"acceleration_longitudinal\":0.5}",
                                "missing_field"));
                    }
                    if (r == 90_000 + p) {
                        records.add(new Malformed("{\"car_id\":\"car-0" + p + "\",\"timestamp_ms\":" + ts(9000)
                                + ",\"speed\":300,\"acceleration_longitudinal\":0.5}", "bad_value"));
                    }
                }
                long endTs = ts(TICKS) + 10_000;
                records.add("{\"car_id\":\"end-p" + p + "\",\"timestamp_ms\":" + endTs + ",\"speed\":0,\"acceleration_longitudinal\":0.0}");
                odsKeys.add("end-p" + p + "|" + endTs + "|0.0|0.0");
                partitions.add(records);
                this.records += records.size();
            }
        }

        /** A braking sample k ticks into the pattern starting at tick s. */
        private static void brake(int[] speed, double[] accel, int s, int k, int v0) {
            speed[s + k] = v0 - k;
            accel[s + k] = -(5 + k % 3);
        }

        /** A decelerating but not braking sample (between two braking runs). */
        private static void slow(int[] speed, double[] accel, int s, int k, int v0) {
            speed[s + k] = v0 - k;
            accel[s + k] = -2.0;
        }

        private void trigger(String car, int i, int startTick, int endTick, int samples, int speedStart, int speedEnd) {
            long start = ts(startTick);
            long end = ts(endTick);
            triggers.add(Trigger.of(car, start, end, samples, speedStart, speedEnd, 7.0, lat(i), 121.5));
            for (long sec = Math.floorDiv(start, 1000); sec <= Math.floorDiv(end, 1000); sec++) {
                tags.put(car + "|" + sec + "|" + PoseTags.HARD_BRAKE_ID, "hard_brake|bool|true");
            }
        }

        private static final String[] NAMES = new String[CARS];

        static {
            for (int i = 0; i < CARS; i++) NAMES[i] = String.format("car-%02d", i);
        }

        static String car(int i) {
            return NAMES[i];
        }

        static long ts(int tick) {
            return T0 + 100L * tick;
        }

        static double lat(int i) {
            return 31.0 + i / 100.0;
        }

        static String json(int i, int t, int speed, double accel) {
            return "{\"car_id\":\"" + car(i) + "\",\"timestamp_ms\":" + ts(t) + ",\"speed\":" + speed
                    + ",\"acceleration_longitudinal\":" + accel + ",\"latitude\":" + lat(i) + ",\"longitude\":121.5}";
        }
    }
}
