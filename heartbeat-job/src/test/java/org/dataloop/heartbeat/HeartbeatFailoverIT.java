package org.dataloop.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dataloop.heartbeat.HeartbeatTestData.DAY_START;
import static org.dataloop.heartbeat.HeartbeatTestData.NEXT_DAY_START;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.fluss.server.testutils.FlussClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.event.Heartbeat;
import org.dataloop.common.io.FlussTables;
import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.tables.HeartbeatTables;
import org.dataloop.common.testing.Await;
import org.dataloop.common.testing.Failures;
import org.dataloop.common.testing.KafkaTestCluster;

/**
 * heartbeat-job stays exactly once through failures: on a MiniCluster of two task managers (one slot each, so both
 * run tasks of the job at parallelism 2) it reads 200,000 heartbeats of 20 cars over a day boundary from a Kafka topic
 * of 2 partitions, with duplicates, malformed and invalid messages, and later some late ones, while it fails at a
 * record, in a checkpoint's snapshot, right after a checkpoint completed, and loses a task manager. Every output is
 * then compared with what the input must give, computed by hand in {@link FleetInput}.
 */
class HeartbeatFailoverIT {
    @RegisterExtension
    static final KafkaTestCluster KAFKA = new KafkaTestCluster();

    @RegisterExtension
    static final FlussClusterExtension FLUSS = FlussClusterExtension.builder().setNumOfTabletServers(1).build();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(2).setNumberSlotsPerTaskManager(1).setConfiguration(FailoverChecks.smallInFlightData()).build());

    private static final Duration WAIT = Duration.ofSeconds(240);
    /** 2026-11-20 22:00 local: 2 h of day 1 and 46 min of day 2. */
    private static final long START = DAY_START + 22 * 3600;
    private static final int CARS = 20;
    private static final long SECONDS = 10_000;
    /** Two days after day 1: every row of days 1 and 2 is final once both partitions reach it. */
    private static final long CLOSER = NEXT_DAY_START + 86_400 + 120;

    @TempDir
    Path tmp;

    @Test
    void everyOutputIsExactlyOnceThroughFailuresAndALostTaskManager(@InjectMiniCluster MiniCluster cluster) throws Exception {
        long started = System.nanoTime();
        FleetInput input = FleetInput.generate(CARS, START, SECONDS, 2, 500, 20_000, 40_000, CLOSER);
        log(started, "generated");
        KAFKA.createTopic("heartbeat-fo", 2);
        KAFKA.createTopic("dlq-fo", 2);
        List<FleetInput.Produced> produced = FleetInput.produce(KAFKA.bootstrapServers(), "heartbeat-fo", input.lines);
        Map<String, Heartbeat> ods = input.expectedOds();
        Map<String, FleetInput.Daily> daily = input.expectedDaily();
        Map<String, Integer> deadLetters = FleetInput.expectedParseDeadLetters(produced);
        assertThat(input.lines.size()).isGreaterThanOrEqualTo(200_000);
        log(started, "produced %d messages: %d distinct heartbeats, %d daily rows, %d parse dead letters",
                input.lines.size(), ods.size(), daily.size(), deadLetters.size());

        Failures.Plan plan = Failures.plan().atRecord(70_000).inSnapshotOf(4).afterCheckpoint(10);
        JobOptions options = JobRunner.parse(new HeartbeatJob(), new String[] {
                "--kafka.bootstrap-servers", KAFKA.bootstrapServers(),
                "--topic.heartbeat", "heartbeat-fo",
                "--table.dlq", "dlq-fo",
                "--kafka.group-id", "heartbeat-failover",
                "--kafka.starting-offsets", "earliest",
                "--paimon.warehouse", tmp.resolve("warehouse").toUri().toString(),
                "--fluss.bootstrap-servers", FLUSS.getBootstrapServers(),
                "--fluss.database", "db_fo",
                "--checkpoint.interval", "500 ms",
                "--checkpoint.dir", tmp.resolve("checkpoints").toUri().toString(),
                "--state.backend", "rocksdb",
                "--restart.delay", "100 ms",
                "--restart.max-delay", "1 s",
                "--auto-rate.allowed-lateness", "1 min",
                "--source.max-future", "3650 d", // the test's days are fixed, whatever the machine's clock says
                "--paimon.buckets", "1",
                "--fluss.buckets", "2",
                "--parallelism", "2"});
        PaimonTables lake = PaimonTables.fromOptions(options);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new HeartbeatJob(), options, plan.on("heartbeat"));
        JobClient job = JobRunner.executeAsync(env, options, "heartbeat-job");
        try {
            // a task manager dies while every task runs, after the failure at record 70,000 and about two thirds through
            Await.until(WAIT, () -> plan.records() >= 130_000 && FailoverChecks.allRunning(cluster, job.getJobID()) ? true : null);
            log(started, "%d records through the map, %d failures so far, %s; terminating task manager 0", plan.records(), plan.fired(),
                    FailoverChecks.checkpoints(cluster, job.getJobID()));
            Failures.replaceTaskManager(cluster, 0);

            long valid = input.lines.stream().filter(l -> l.kind() == FleetInput.Kind.HEARTBEAT).count();
            Await.until(WAIT, () -> {
                // cheap gates first: the lake is read only once every message has passed the map
                if (plan.fired() < 3 || plan.records() < valid || !lake.tableExists("dws_daily_auto_rate")) return null;
                String diff = FailoverChecks.dailyMismatch(lake.readAll("dws_daily_auto_rate"), daily);
                Await.seen(diff);
                return diff == null ? true : null;
            });
            int restarts = FailoverChecks.restarts(cluster, job.getJobID());
            log(started, "every daily row final and right; %d injected failures, %d restarts, %d records through the map, %s",
                    plan.fired(), restarts, plan.records(), FailoverChecks.checkpoints(cluster, job.getJobID()));
            assertThat(plan.fired()).isEqualTo(3);
            assertThat(restarts).as("restarts (3 injected failures + a lost task manager)").isGreaterThanOrEqualTo(3);

            // late heartbeats: their days are final now (the checkpoint that committed the final rows holds that
            // watermark, so a restore cannot make them on time again); existing keys, with other values
            List<FleetInput.Line> late = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                long ts = i < 5 ? START + 100 + i : START + 9_000 + i; // day 1, day 2
                Heartbeat h = FleetInput.heartbeat(String.format("car-%04d", i + 1), ts, "Auto", 77.7);
                late.add(new FleetInput.Line(i % 2, FleetInput.json(h), FleetInput.Kind.HEARTBEAT, h));
                deadLetters.put("late|" + FleetInput.key(h.carId, ts), 1);
            }
            FleetInput.produce(KAFKA.bootstrapServers(), "heartbeat-fo", late);
            Map<String, Integer> dlq = Await.until(WAIT, () -> {
                Map<String, Integer> got = FailoverChecks.deadLetters(KAFKA.readAll("dlq-fo", true, Duration.ofSeconds(5)));
                Await.seen(FailoverChecks.firstDifferences(got, deadLetters));
                return got.values().stream().mapToInt(Integer::intValue).sum() >= deadLetters.size() ? got : null;
            });
            assertThat(FailoverChecks.firstDifferences(dlq, deadLetters)).as("dead letters, each exactly once").isNull();
            log(started, "%d dead letters, each once", dlq.size());

            Await.until(WAIT, () -> lake.readAll("ods_heartbeat").size() >= ods.size() ? true : null);
            FailoverChecks.assertOds(lake, "ods_heartbeat", ods);
            FailoverChecks.assertDwdKeys(lake, "dwd_heartbeat_clean", ods.keySet());
            assertThat(FailoverChecks.dailyMismatch(lake.readAll("dws_daily_auto_rate"), daily)).isNull();
            log(started, "ods_heartbeat and dwd_heartbeat_clean: %d rows, right", ods.size());

            Set<String> fluss = Await.until(WAIT, () -> {
                Set<String> keys = FailoverChecks.flussKeys(FLUSS.getBootstrapServers(), "db_fo", "realtime_heartbeat", Duration.ofSeconds(60));
                Await.seen(keys.size());
                return keys.size() >= ods.size() ? keys : null;
            });
            assertThat(fluss.equals(ods.keySet())).as("realtime_heartbeat keys are the ods keys (%d, want %d)", fluss.size(), ods.size()).isTrue();
            assertFlussSample(ods, late);
            log(started, "realtime_heartbeat: %d keys, sample right", fluss.size());
        } finally {
            Await.cancelled(job);
        }
        log(started, "done");
    }

    /** Every 997th expected key and the late keys (which keep their first, on-time values) looked up in Fluss. */
    private static void assertFlussSample(Map<String, Heartbeat> ods, List<FleetInput.Line> late) {
        List<Heartbeat> sample = new ArrayList<>();
        int i = 0;
        for (Heartbeat h : ods.values()) if (i++ % 997 == 0) sample.add(h);
        for (FleetInput.Line l : late) {
            Heartbeat h = ods.get(FleetInput.key(l.hb().carId, l.hb().tsSecond));
            if (h != null) sample.add(h);
        }
        List<Object[]> keys = sample.stream().map(h -> new Object[] {h.carId, h.tsSecond}).toList();
        List<Map<String, Object>> rows = FlussTables.lookup(FLUSS.getBootstrapServers(), "db_fo", "realtime_heartbeat",
                HeartbeatTables.REALTIME_HEARTBEAT, keys);
        for (int j = 0; j < sample.size(); j++) {
            Heartbeat h = sample.get(j);
            assertThat(rows.get(j)).as("realtime_heartbeat %s/%d", h.carId, h.tsSecond).isNotNull()
                    .containsEntry("driving_mode", h.drivingMode).containsEntry("speed", h.speed)
                    .containsEntry("city_code", h.city).containsEntry("area_code", h.area).containsEntry("route_code", h.routeId);
        }
        assertThat(sample.size()).isGreaterThan(200);
    }

    private static void log(long started, String format, Object... args) {
        FailoverChecks.log("HeartbeatFailoverIT", started, format, args);
    }
}
