package org.dataloop.common.runtime;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.flink.runtime.checkpoint.CheckpointFailureReason;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;

import org.dataloop.common.config.CommonOptions;
import org.dataloop.common.config.JobOptions;
import org.dataloop.common.config.OptionsException;
import org.dataloop.common.dim.DimensionDef;
import org.dataloop.common.io.DeadLetterTable;
import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.io.TableDef;
import org.dataloop.common.parse.RecordParser;

/** Runs a {@link JobDefinition}: parses its options, sets up the environment, wires it, and executes it. */
public final class JobRunner {
    private JobRunner() {}

    /** The {@code main} of every job. */
    public static void main(JobDefinition job, String[] args) throws Exception {
        int code;
        try {
            code = run(job, args, System.out, System.err);
        } catch (Exception e) {
            e.printStackTrace();
            code = 1; // exit: a local run's MiniCluster threads would keep the JVM alive
        }
        if (code != 0) System.exit(code);
    }

    /** @return 0 when the job ran (or --help), 2 for bad options */
    public static int run(JobDefinition job, String[] args, PrintStream out, PrintStream err) throws Exception {
        JobOptions options;
        try {
            options = parse(job, args);
        } catch (OptionsException e) {
            err.println("error: " + job.name() + ": " + e.getMessage());
            return 2;
        }
        if (options.help()) {
            out.print(JobOptions.usage(job.name(), job.summary(), allOptions(job), inputNames(job)));
            return 0;
        }
        try {
            if (options.local()) {
                runLocal(job, options, out);
            } else {
                StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConfiguration(options));
                definePipeline(env, job, options);
                env.execute(streamGraph(env, options, job.name()));
            }
        } catch (OptionsException e) {
            err.println("error: " + job.name() + ": " + e.getMessage());
            return 2;
        }
        return 0;
    }

    /**
     * Runs the job on an in-process MiniCluster, printing its counters every 2 s and the totals at the end. With
     * {@code --stop-after-records}, stops it with a savepoint once every replayed stream has read its records.
     */
    public static JobExecutionResult runLocal(JobDefinition job, JobOptions options, PrintStream out) throws Exception {
        Configuration conf = flinkConfiguration(options);
        Integer webUi = options.getOptional(CommonOptions.WEB_UI).orElse(null);
        if (webUi != null) conf.set(RestOptions.PORT, webUi);
        StreamExecutionEnvironment env = webUi == null ? StreamExecutionEnvironment.createLocalEnvironment(conf)
                : StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        if (webUi != null) out.println("web UI: http://localhost:" + webUi);
        JobIO io = definePipeline(env, job, options);
        JobClient client = executeAsync(env, options, job.name());
        try {
            if (options.getOptional(CommonOptions.STOP_AFTER_RECORDS).isEmpty()) return LocalProgress.follow(client, out, () -> false);
            JobExecutionResult result = LocalProgress.follow(client, out, io::replayStopped);
            if (result != null) return result; // ended before every stream reached its stop (e.g. a failure)
            // without draining: pending results stay in the savepoint instead of being flushed as if the input had ended
            String path = stopWithSavepoint(client, savepointDir(options));
            out.println("savepoint: " + path);
            return client.getJobExecutionResult().get();
        } finally {
            io.ended();
        }
    }

    /** Stops with a savepoint, once every task runs (a replay's sources can reach their stop before the rest has started). */
    private static String stopWithSavepoint(JobClient client, String dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            try {
                return client.stopWithSavepoint(false, dir, SavepointFormatType.CANONICAL).get();
            } catch (ExecutionException e) {
                boolean starting = ExceptionUtils.findThrowable(e, CheckpointException.class)
                        .filter(c -> c.getCheckpointFailureReason() == CheckpointFailureReason.NOT_ALL_REQUIRED_TASKS_RUNNING)
                        .isPresent();
                if (!starting || System.nanoTime() > deadline) throw e;
                Thread.sleep(100);
            }
        }
    }

    private static String savepointDir(JobOptions options) {
        return options.getOptional(CommonOptions.SAVEPOINT_DIR).orElseGet(() -> Path.of(options.outputDir().orElse("."))
                .resolve("savepoints").toAbsolutePath().toUri().toString());
    }

    /** Submits the wired job (restored from {@code savepoint.path} when given, see {@link #flinkConfiguration}). */
    public static JobClient executeAsync(StreamExecutionEnvironment env, JobOptions options, String name) throws Exception {
        return env.executeAsync(streamGraph(env, options, name));
    }

    private static StreamGraph streamGraph(StreamExecutionEnvironment env, JobOptions options, String name) {
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(name);
        PaimonTables.unpinCommitters(graph);
        return graph;
    }

    public static JobOptions parse(JobDefinition job, String[] args) {
        return JobOptions.parse(job.name(), args, allOptions(job), inputNames(job));
    }

    /** Configures the environment and wires the job into it; tests call this with a MiniCluster environment. */
    public static JobIO definePipeline(StreamExecutionEnvironment env, JobDefinition job, JobOptions options) {
        return definePipeline(env, job, options, JobIO.InputTap.NONE);
    }

    /** As {@link #definePipeline(StreamExecutionEnvironment, JobDefinition, JobOptions)}, with a test's hook on every input stream. */
    public static JobIO definePipeline(StreamExecutionEnvironment env, JobDefinition job, JobOptions options, JobIO.InputTap tap) {
        configure(env, options);
        JobIO io = new JobIO(env, options, tap);
        job.defineWorkflow(io, options);
        io.finish();
        return io;
    }

    static void configure(StreamExecutionEnvironment env, JobOptions options) {
        // every type must have a Flink serializer (POJO or explicit): no silent Kryo fallback in state
        env.getConfig().disableGenericTypes();
        // no defensive copy between chained operators: our functions never modify their input or keep what they emit
        env.getConfig().enableObjectReuse();
        env.configure(flinkConfiguration(options));
        if (options.replay()) {
            env.setParallelism(1); // one ordered stream: a replay gives the same rows every time
        } else if (options.get(CommonOptions.PARALLELISM) > 0) {
            env.setParallelism(options.get(CommonOptions.PARALLELISM));
        }
        env.enableCheckpointing(options.get(CommonOptions.CHECKPOINT_INTERVAL).toMillis(), CheckpointingMode.EXACTLY_ONCE);
    }

    /** The Flink settings a job takes from its options (the chart renders the same into the cluster's configuration). */
    public static Configuration flinkConfiguration(JobOptions options) {
        Configuration c = new Configuration();
        c.set(StateBackendOptions.STATE_BACKEND, options.get(CommonOptions.STATE_BACKEND).name());
        c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        options.getOptional(CommonOptions.CHECKPOINT_DIR).ifPresent(d -> c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, d));
        // the executor takes the savepoint from the configuration (as the operator passes it on Kubernetes); every uid's
        // state must map to the job
        options.getOptional(CommonOptions.SAVEPOINT_PATH).ifPresent(p -> c.set(StateRecoveryOptions.SAVEPOINT_PATH, p));
        int attempts = options.get(CommonOptions.RESTART_ATTEMPTS);
        if (attempts == 0) {
            c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        } else {
            // exponential backoff: a long outage of Kafka or the lake delays the job instead of ending it
            c.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
            c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, attempts);
            c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, options.get(CommonOptions.RESTART_DELAY));
            c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, options.get(CommonOptions.RESTART_MAX_DELAY));
            c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
            c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
                    options.get(CommonOptions.RESTART_RESET_AFTER));
        }
        c.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, options.get(CommonOptions.CHECKPOINT_TIMEOUT));
        c.set(PipelineOptions.MAX_PARALLELISM, options.get(CommonOptions.MAX_PARALLELISM));
        if (options.getOptional(CommonOptions.WEB_UI).isPresent() && !options.local()) {
            throw new OptionsException("--" + CommonOptions.WEB_UI.key() + " is for local runs: a cluster serves its own web UI");
        }
        options.getOptional(CommonOptions.METRICS_PROMETHEUS_PORT).ifPresent(port -> {
            if (!options.local()) {
                throw new OptionsException("--" + CommonOptions.METRICS_PROMETHEUS_PORT.key() + " is for local runs: on a cluster the "
                        + "chart configures the metrics reporter");
            }
            // the reporter of the cluster (the chart's metrics.reporter.prom.*): the same metric names as there
            c.set(ConfigOptions.key("metrics.reporter.prom.factory.class").stringType().noDefaultValue(),
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            c.set(ConfigOptions.key("metrics.reporter.prom.port").stringType().noDefaultValue(), String.valueOf(port));
            // label values as they are (job_name="heartbeat-job", not heartbeat_job): what the alerts select
            c.set(ConfigOptions.key("metrics.reporter.prom.filterLabelValueCharacters").stringType().noDefaultValue(), "false");
        });
        return c;
    }

    public static List<ConfigOption<?>> allOptions(JobDefinition job) {
        List<ConfigOption<?>> all = new ArrayList<>(CommonOptions.all());
        all.addAll(job.options());
        for (RecordParser<?> s : job.streams()) all.add(JobIO.topicOption(s.stream()));
        for (TableDef<?> t : job.outputs()) all.add(t.nameOption());
        all.add(DeadLetterTable.DEF.nameOption());
        for (DimensionDef d : job.dimensions()) all.add(d.nameOption());
        return all;
    }

    static List<String> inputNames(JobDefinition job) {
        List<String> names = new ArrayList<>();
        for (RecordParser<?> s : job.streams()) names.add(s.stream());
        for (DimensionDef d : job.dimensions()) names.add(d.name());
        return names;
    }

    /** Prints the job's counters while it runs on the local MiniCluster, and the totals at the end. */
    static final class LocalProgress {
        private LocalProgress() {}

        /** Follows the job to its end and returns its result, or returns null as soon as {@code stopNow} holds. */
        static JobExecutionResult follow(JobClient client, PrintStream out, BooleanSupplier stopNow) throws Exception {
            long start = System.nanoTime();
            long nextPrint = start + TimeUnit.SECONDS.toNanos(2);
            CompletableFuture<JobExecutionResult> result = client.getJobExecutionResult();
            while (true) {
                try {
                    JobExecutionResult done = result.get(100, TimeUnit.MILLISECONDS);
                    out.printf("done in %.1fs: %s%n", (System.nanoTime() - start) / 1e9, summarize(done.getAllAccumulatorResults()));
                    return done;
                } catch (TimeoutException stillRunning) {
                    if (stopNow.getAsBoolean()) return null;
                    if (System.nanoTime() < nextPrint) continue;
                    nextPrint += TimeUnit.SECONDS.toNanos(2);
                    try {
                        Map<String, Object> acc = client.getAccumulators().get();
                        out.printf("[%5.1fs] %s%n", (System.nanoTime() - start) / 1e9, summarize(acc));
                    } catch (Exception e) {
                        // finished between the two calls: the next get() returns the result
                    }
                }
            }
        }

        static String summarize(Map<String, Object> accumulators) {
            Map<String, Map<String, Object>> byName = new TreeMap<>();
            accumulators.forEach((k, v) -> {
                int dot = k.indexOf('.');
                if (dot > 0) byName.computeIfAbsent(k.substring(0, dot), x -> new TreeMap<>()).put(k.substring(dot + 1), v);
            });
            StringBuilder sb = new StringBuilder();
            byName.forEach((name, values) -> {
                if (sb.length() > 0) sb.append(" | ");
                sb.append(name).append(' ').append(values.toString().replace("{", "").replace("}", ""));
            });
            return sb.toString();
        }
    }
}
