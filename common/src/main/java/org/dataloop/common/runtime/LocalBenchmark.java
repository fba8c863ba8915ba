package org.dataloop.common.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import org.apache.flink.api.common.JobExecutionResult;

import org.dataloop.common.config.CommonOptions;
import org.dataloop.common.config.JobOptions;
import org.dataloop.common.metrics.JobCounter;

/**
 * {@code bin/dataloop bench [<job>] [--cars N] [--duration D] [--sinks on|off] [--key value]...}: simulator data
 * through a job on a local MiniCluster (parallelism 1, RocksDB, checkpoints every 10 s unless overridden by
 * {@code --key value} job options); prints events/s = records in ÷ the job's net run time. With sinks off no
 * table is written (everything before the sinks still runs); with sinks on the lake tables go to Paimon in a
 * temporary directory.
 */
public final class LocalBenchmark {
    private LocalBenchmark() {}

    /**
     * Counts the records of every input stream of the job.
     *
     * @param sinkArgs     extra job options when sinks are on (e.g. keep a Kafka topic in the lake)
     */
    public static JobExecutionResult run(JobDefinition job, String defaultDuration, String[] args,
            List<String> sinkArgs) throws Exception {
        String cars = "1000";
        String duration = defaultDuration;
        boolean sinks = false;
        Path tmp = Files.createTempDirectory("dataloop-bench");
        List<String> jobArgs = new ArrayList<>(List.of("--local", "--source", "simulator",
                "--sim.duplicate-every", "0", "--sim.malformed-every", "0", "--parallelism", "1",
                "--checkpoint.interval", "10 s", "--checkpoint.dir", tmp.resolve("checkpoints").toUri().toString()));
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--cars" -> cars = args[i + 1];
                case "--duration" -> duration = args[i + 1];
                case "--sinks" -> sinks = args[i + 1].equals("on");
                default -> jobArgs.addAll(List.of(args[i], args[i + 1])); // a job option; the job's parser checks it
            }
        }
        jobArgs.addAll(List.of("--sim.cars", cars, "--sim.duration", duration));
        if (sinks) {
            jobArgs.addAll(List.of("--paimon.warehouse", tmp.resolve("warehouse").toUri().toString()));
            jobArgs.addAll(sinkArgs);
        }
        JobOptions options = JobRunner.parse(job, jobArgs.toArray(String[]::new));
        JobExecutionResult result = JobRunner.runLocal(job, options, System.out);
        Map<String, Object> acc = result.getAllAccumulatorResults();
        long events = 0;
        StringJoiner perStream = new StringJoiner(", ");
        for (var parser : job.streams()) {
            Object n = acc.get(JobCounter.accumulatorName(JobCounter.RECORDS_IN, parser.stream()));
            long count = n == null ? 0 : (Long) n;
            events += count;
            perStream.add(parser.stream() + " " + count);
        }
        double seconds = result.getNetRuntime() / 1000.0;
        System.out.printf("%n%s: %d records (%s; %s cars, %s) in %.1f s = %,.0f events/s  [parallelism %d, %s, sinks %s]%n",
                job.name(), events, perStream, cars, duration, seconds, events / seconds, options.get(CommonOptions.PARALLELISM),
                options.get(CommonOptions.STATE_BACKEND), sinks ? "on (Paimon)" : "off");
        return result;
    }
}
