package org.dataloop.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dataloop.heartbeat.HeartbeatTestData.DAY_START;
import static org.dataloop.heartbeat.HeartbeatTestData.NEXT_DAY_START;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.JobID;
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
import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.testing.Await;
import org.dataloop.common.testing.Failures;

/**
 * heartbeat-job outlives a Kafka outage longer than the old restart budget allowed, and its output stays exactly once.
 *
 * <p>The old strategy (fixed delay, 10 attempts × 10 s) ended the job at the failure after its 10th restart. Now restarts back
 * off exponentially ({@code --restart.delay} doubling up to {@code --restart.max-delay}) and by default never give up,
 * so an outage only delays the job. With {@code --restart.attempts N} the job would instead fail for good at the
 * (N+1)-th failure in a row (no {@code --restart.reset-after} of stable running between them) — here, where one
 * attempt takes about 4-5 s (the 2 s delay, deployment, the 2 s client timeout), after about N × 4-5 s of outage.
 *
 * <p>The broker is stopped while the job is mid-way through its input and kept down until at least 40 s (20 × the 2 s max
 * delay) have passed and the job has restarted more than 10 times (more than the old budget). The job fails at every
 * checkpoint meanwhile: the exactly-once dead-letter sink starts a transaction per checkpoint, which needs the broker
 * (the Kafka clients' blocking calls are shortened by {@code --kafka.properties-file} so each attempt fails within
 * seconds, not after the clients' 60 s defaults). Then the broker comes back on the same port and the job must finish
 * by itself: every distinct heartbeat once in ods_heartbeat, the daily rows right, every dead letter exactly once.
 *
 * <p>The broker stops when no dead-letter transaction is being committed or waits in the checkpoint a restart restores
 * (the input's bad messages are all early, and the test waits until their dead letters are committed and two more
 * checkpoints have completed). Had it stopped while the sink committed a transaction, the Kafka connector (3.4.0)
 * would hang: {@code KafkaCommitter.close()} calls {@code KafkaProducer.close()} without a timeout, which waits for
 * the pending EndTxn until the broker is back; the task cannot be cancelled, no restart happens, and after
 * {@code task.cancellation.timeout} (180 s) Flink kills the task manager (on Kubernetes its pod restarts and the job
 * recovers; a MiniCluster does not replace it). Seen in a run of this test that stopped the broker at such a moment.
 */
class KafkaOutageIT {
    @RegisterExtension
    static final RestartableKafka KAFKA = new RestartableKafka();

    @RegisterExtension
    static final FlussClusterExtension FLUSS = FlussClusterExtension.builder().setNumOfTabletServers(1).build();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(FailoverChecks.smallInFlightData()).build());

    private static final Duration WAIT = Duration.ofSeconds(240);
    private static final Duration MIN_OUTAGE = Duration.ofSeconds(40);
    /** The old strategy's budget: a job that needs more restarts in a row than this during the outage would have failed. */
    private static final int OLD_BUDGET = 10;
    /** 2026-11-20 23:00 local: 1 h of day 1, 23 min of day 2. */
    private static final long START = DAY_START + 23 * 3600;
    private static final long CLOSER = NEXT_DAY_START + 86_400 + 120;

    @TempDir
    Path tmp;

    @Test
    void theJobRecoversByItselfAfterAnOutageLongerThanTheOldRestartBudget(@InjectMiniCluster MiniCluster cluster) throws Exception {
        long started = System.nanoTime();
        // malformed and invalid messages only in the first fifth of the input: see the class comment
        FleetInput input = FleetInput.generate(10, START, 5_000, 2, 500, 2_000, 3_000, 10_000, CLOSER);
        KAFKA.createTopic("heartbeat-out", 2);
        KAFKA.createTopic("dlq-out", 2);
        List<FleetInput.Produced> produced = FleetInput.produce(KAFKA.bootstrapServers(), "heartbeat-out", input.lines);
        Map<String, Heartbeat> ods = input.expectedOds();
        Map<String, FleetInput.Daily> daily = input.expectedDaily();
        Map<String, Integer> deadLetters = FleetInput.expectedParseDeadLetters(produced);
        long valid = input.lines.stream().filter(l -> l.kind() == FleetInput.Kind.HEARTBEAT).count();
        log(started, "produced %d messages: %d distinct heartbeats, %d daily rows, %d dead letters",
                input.lines.size(), ods.size(), daily.size(), deadLetters.size());

        // the clients' blocking calls give up within seconds during the outage. With the defaults (60 s) an attempt
        // takes 30-60 s to fail and to be cancelled: the sink blocks 60 s (max.block.ms) in InitProducerId, and the
        // source reader's fetcher blocks 60 s (default.api.timeout.ms) looking up a position, so closing the reader
        // gives up after 30 s. The admin client needs request.timeout.ms <= default.api.timeout.ms.
        Path clientProperties = tmp.resolve("kafka-client.properties");
        Files.writeString(clientProperties, "max.block.ms=2000\ndefault.api.timeout.ms=5000\nrequest.timeout.ms=5000\n");
        Failures.Plan counter = Failures.plan(); // no failures: counts the records that pass
        JobOptions options = JobRunner.parse(new HeartbeatJob(), new String[] {
                "--kafka.bootstrap-servers", KAFKA.bootstrapServers(),
                "--kafka.properties-file", clientProperties.toString(),
                "--topic.heartbeat", "heartbeat-out",
                "--table.dlq", "dlq-out",
                "--kafka.group-id", "heartbeat-outage",
                "--kafka.starting-offsets", "earliest",
                "--paimon.warehouse", tmp.resolve("warehouse").toUri().toString(),
                "--paimon.buckets", "1",
                "--fluss.bootstrap-servers", FLUSS.getBootstrapServers(),
                "--fluss.database", "db_outage",
                "--fluss.buckets", "2",
                "--checkpoint.interval", "500 ms",
                "--checkpoint.timeout", "10 s",
                "--checkpoint.dir", tmp.resolve("checkpoints").toUri().toString(),
                "--state.backend", "rocksdb",
                "--restart.delay", "100 ms",
                "--restart.max-delay", "2 s",
                "--auto-rate.allowed-lateness", "1 min",
                "--source.max-future", "3650 d",
                "--parallelism", "2"});
        PaimonTables lake = PaimonTables.fromOptions(options);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new HeartbeatJob(), options, counter.on("heartbeat"));
        JobClient job = JobRunner.executeAsync(env, options, "heartbeat-job");
        JobID id = job.getJobID();
        try {
            // mid-way: some of the input is committed to the lake, the rest is not read yet; every dead letter is
            // committed, each once, and two more checkpoints have completed since, so no dead-letter transaction is
            // pending or in the checkpoint a restart restores (see the class comment)
            Await.until(WAIT, () -> counter.records() >= valid / 3 && lake.tableExists("ods_heartbeat")
                    && FailoverChecks.deadLetters(KAFKA.readAll("dlq-out", true, Duration.ofSeconds(10))).equals(deadLetters) ? true : null);
            long committed = FailoverChecks.completedCheckpoints(cluster, id);
            Await.until(WAIT, () -> FailoverChecks.completedCheckpoints(cluster, id) >= committed + 2
                    && FailoverChecks.allRunning(cluster, id) ? true : null);
            int before = FailoverChecks.restarts(cluster, id);
            log(started, "%d records through; stopping the broker (%d restarts so far)", counter.records(), before);
            long down = System.nanoTime();
            KAFKA.stopBroker();
            Await.until(WAIT, () -> {
                assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("job ended during the outage").isFalse();
                int restarts = FailoverChecks.restarts(cluster, id) - before;
                Await.seen(restarts + " restarts");
                return System.nanoTime() - down >= MIN_OUTAGE.toNanos() && restarts > OLD_BUDGET ? true : null;
            });
            int outageRestarts = FailoverChecks.restarts(cluster, id) - before;
            double outage = (System.nanoTime() - down) / 1e9;
            log(started, "broker down for %.1f s, %d restarts meanwhile, job %s; starting it again", outage, outageRestarts,
                    job.getJobStatus().get());
            KAFKA.startBroker(WAIT, "heartbeat-out", "dlq-out");
            long up = System.nanoTime();
            log(started, "broker up again");

            Await.until(WAIT, () -> {
                if (counter.records() < valid || !lake.tableExists("dws_daily_auto_rate")) return null;
                String diff = FailoverChecks.dailyMismatch(lake.readAll("dws_daily_auto_rate"), daily);
                Await.seen(diff);
                return diff == null ? true : null;
            });
            log(started, "every daily row final and right %.1f s after the broker came back; %d restarts in all, %s",
                    (System.nanoTime() - up) / 1e9, FailoverChecks.restarts(cluster, id), FailoverChecks.checkpoints(cluster, id));
            Await.until(WAIT, () -> lake.readAll("ods_heartbeat").size() >= ods.size() ? true : null);
            FailoverChecks.assertOds(lake, "ods_heartbeat", ods);
            FailoverChecks.assertDwdKeys(lake, "dwd_heartbeat_clean", ods.keySet());
            Map<String, Integer> dlq = Await.until(WAIT, () -> {
                Map<String, Integer> got = FailoverChecks.deadLetters(KAFKA.readAll("dlq-out", true, Duration.ofSeconds(10)));
                Await.seen(FailoverChecks.firstDifferences(got, deadLetters));
                return got.values().stream().mapToInt(Integer::intValue).sum() >= deadLetters.size() ? got : null;
            });
            assertThat(FailoverChecks.firstDifferences(dlq, deadLetters)).as("dead letters, each exactly once").isNull();
            assertThat(outageRestarts).isGreaterThan(OLD_BUDGET);
            log(started, "ods_heartbeat, dwd_heartbeat_clean (%d rows), dws_daily_auto_rate (%d rows) and %d dead letters right",
                    ods.size(), daily.size(), dlq.size());
        } finally {
            Await.cancelled(job);
        }
        log(started, "done");
    }

    private static void log(long started, String format, Object... args) {
        FailoverChecks.log("KafkaOutageIT", started, format, args);
    }
}
