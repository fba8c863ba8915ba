package org.dataloop.posetrigger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.JobExecutionResult;

import org.dataloop.common.metrics.JobCounter;
import org.dataloop.common.runtime.JobRunner;

/**
 * {@code bin/dataloop bench pose-trigger-job [--cars N] [--duration D] [--parallelism P] [--sinks on|off]
 * [--state.backend B] [--delivery exactly_once|at_least_once]}: simulator pose samples (10 Hz, 2 injected hard brakes per car
 * and hour) through pose-trigger-job on a local MiniCluster, checkpoints every 10 s; prints events/s. With
 * sinks off nothing is written (parse, de-duplication, detection and the tags still run); with sinks on
 * ods_pose, tag_tall_table and the triggers (as a lake table: there is no Kafka) go to Paimon in a
 * temporary directory.
 */
public final class PoseTriggerBenchmark {
    private PoseTriggerBenchmark() {}

    public static void main(String[] args) throws Exception {
        String cars = "1000";
        String duration = "5 min";
        String parallelism = "1";
        String backend = "rocksdb";
        boolean sinks = false;
        String delivery = "exactly_once";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--cars" -> cars = args[i + 1];
                case "--duration" -> duration = args[i + 1];
                case "--parallelism" -> parallelism = args[i + 1];
                case "--state.backend" -> backend = args[i + 1];
                case "--sinks" -> sinks = args[i + 1].equals("on");
                case "--delivery" -> delivery = args[i + 1];
                default -> {
                    System.err.println("error: bench: unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        Path tmp = Files.createTempDirectory("dataloop-bench");
        List<String> jobArgs = new ArrayList<>(List.of("--local", "--source", "simulator", "--sim.cars", cars,
                "--sim.duration", duration, "--sim.duplicate-every", "0", "--sim.malformed-every", "0",
                "--trigger.delivery", delivery, "--parallelism", parallelism, "--state.backend", backend, "--checkpoint.interval", "10 s",
                "--checkpoint.dir", tmp.resolve("checkpoints").toUri().toString()));
        if (sinks) {
            jobArgs.addAll(List.of("--paimon.warehouse", tmp.resolve("warehouse").toUri().toString(),
                    "--table.trigger_hard_brake", "trigger_hard_brake"));
        }
        PoseTriggerJob job = new PoseTriggerJob();
        JobExecutionResult result = JobRunner.runLocal(job, JobRunner.parse(job, jobArgs.toArray(String[]::new)), System.out);
        Map<String, Object> acc = result.getAllAccumulatorResults();
        long events = (Long) acc.get(JobCounter.accumulatorName(JobCounter.RECORDS_IN, "pose"));
        double seconds = result.getNetRuntime() / 1000.0;
        Object triggers = acc.get(JobCounter.accumulatorName(JobCounter.ROWS_OUT, "trigger_hard_brake"));
        System.out.printf("%npose-trigger-job: %d pose samples (%s cars, %s) in %.1f s = %,.0f events/s  [parallelism %s, %s, sinks %s]%n",
                events, cars, duration, seconds, events / seconds, parallelism, backend, sinks ? "on (Paimon)" : "off");
        System.out.println("triggers: " + triggers);
    }
}
