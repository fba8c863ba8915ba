package org.dataloop.heartbeat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.JobExecutionResult;

import org.dataloop.common.metrics.JobCounter;
import org.dataloop.common.runtime.JobRunner;

/**
 * {@code bin/dataloop bench [--cars N] [--duration D] [--parallelism P] [--sinks on|off] [--state.backend B]}:
 * simulator heartbeats through heartbeat-job on a local MiniCluster; prints events/s. With sinks off the
 * tables are not written (parse, de-duplication, enrichment and the daily aggregation still run); with
 * sinks on the lake tables go to a Paimon warehouse in a temporary directory.
 */
public final class HeartbeatBenchmark {
    private HeartbeatBenchmark() {}

    public static void main(String[] args) throws Exception {
        String cars = "1000";
        String duration = "1 h";
        String parallelism = "1";
        String backend = "rocksdb";
        boolean sinks = false;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--cars" -> cars = args[i + 1];
                case "--duration" -> duration = args[i + 1];
                case "--parallelism" -> parallelism = args[i + 1];
                case "--state.backend" -> backend = args[i + 1];
                case "--sinks" -> sinks = args[i + 1].equals("on");
                default -> {
                    System.err.println("error: bench: unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        Path tmp = Files.createTempDirectory("dataloop-bench");
        List<String> jobArgs = new ArrayList<>(List.of("--local", "--source", "simulator", "--sim.cars", cars,
                "--sim.duration", duration, "--sim.duplicate-every", "0", "--sim.malformed-every", "0",
                "--parallelism", parallelism, "--state.backend", backend, "--checkpoint.interval", "10 s",
                "--checkpoint.dir", tmp.resolve("checkpoints").toUri().toString()));
        if (sinks) jobArgs.addAll(List.of("--paimon.warehouse", tmp.resolve("warehouse").toUri().toString()));
        HeartbeatJob job = new HeartbeatJob();
        JobExecutionResult result = JobRunner.runLocal(job, JobRunner.parse(job, jobArgs.toArray(String[]::new)), System.out);
        Map<String, Object> acc = result.getAllAccumulatorResults();
        long events = (Long) acc.get(JobCounter.accumulatorName(JobCounter.RECORDS_IN, "heartbeat"));
        double seconds = result.getNetRuntime() / 1000.0;
        System.out.printf("%nheartbeat-job: %d heartbeats (%s cars, %s) in %.1f s = %,.0f events/s  [parallelism %s, %s, sinks %s]%n",
                events, cars, duration, seconds, events / seconds, parallelism, backend, sinks ? "on (Paimon)" : "off");
    }
}
