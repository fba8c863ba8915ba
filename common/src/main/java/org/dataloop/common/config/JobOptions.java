package org.dataloop.common.config;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * A job's parsed command line: {@code --key value} pairs of its declared options (optionally from a
 * {@code --config FILE} of {@code key: value} lines, the command line wins), the {@code --local} and
 * {@code --help} flags, {@code --input.<stream> FILE} replays and {@code --output.dir DIR}. Every value
 * is validated here, so a bad option stops the job before anything starts, with one line naming it.
 */
public final class JobOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String job;
    private final Configuration config;
    private final Map<String, String> inputs;
    private final String outputDir;
    private final boolean local;
    private final boolean help;

    private JobOptions(String job, Configuration config, Map<String, String> inputs, String outputDir, boolean local, boolean help) {
        this.job = job;
        this.config = config;
        this.inputs = inputs;
        this.outputDir = outputDir;
        this.local = local;
        this.help = help;
    }

    /**
     * @param streams the input names {@code --input.<name>} accepts (streams and dimension snapshots)
     * @throws OptionsException naming the first bad option or value
     */
    public static JobOptions parse(String job, String[] args, List<ConfigOption<?>> options, List<String> streams) {
        Map<String, ConfigOption<?>> known = new LinkedHashMap<>();
        for (ConfigOption<?> o : options) known.put(o.key(), o);
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> inputs = new LinkedHashMap<>();
        String outputDir = null;
        boolean local = false;
        boolean help = false;

        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) { help = true; continue; }
            if (arg.equals("--local")) { local = true; continue; }
            if (!arg.startsWith("--") || arg.length() == 2) throw new OptionsException("unexpected argument '" + arg + "' (options are --key value; see --help)");
            String key = arg.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq > 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else {
                if (i + 1 >= args.length) throw new OptionsException("--" + key + " needs a value");
                value = args[++i];
            }
            if (key.equals("config")) {
                readConfigFile(value).forEach(values::putIfAbsent);
            } else if (key.startsWith("input.")) {
                String stream = key.substring("input.".length());
                if (!streams.contains(stream)) throw new OptionsException("unknown input --" + key + " (this job reads: " + String.join(", ", streams) + ")");
                if (!Files.isRegularFile(Path.of(value))) throw new OptionsException("--" + key + ": no such file " + value);
                inputs.put(stream, Path.of(value).toAbsolutePath().toString());
            } else if (key.equals("output.dir")) {
                outputDir = Path.of(value).toAbsolutePath().toString();
            } else {
                values.put(key, value); // command line wins over --config, which only fills gaps
            }
        }

        Configuration config = new Configuration();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!known.containsKey(e.getKey())) throw new OptionsException("unknown option --" + e.getKey() + " (see --help)");
            config.setString(e.getKey(), e.getValue());
        }
        for (ConfigOption<?> o : options) {
            try {
                config.get(o);
            } catch (RuntimeException e) {
                throw new OptionsException("bad value for --" + o.key() + ": '" + values.get(o.key()) + "' ("
                        + rootMessage(e) + ")");
            }
        }
        if (values.containsKey(CommonOptions.TIMEZONE.key())) {
            try {
                ZoneId.of(config.get(CommonOptions.TIMEZONE));
            } catch (RuntimeException e) {
                throw new OptionsException("bad value for --timezone: '" + config.get(CommonOptions.TIMEZONE) + "' (not a time zone id)");
            }
        }
        JobOptions parsed = new JobOptions(job, config, inputs, outputDir, local, help);
        if (!help) checkRestartSafety(parsed);
        return parsed;
    }

    /** Rules between options that keep restarts and restores exact. */
    private static void checkRestartSafety(JobOptions o) {
        // a transaction pre-committed at a checkpoint is committed only after the checkpoint completes, or after the
        // restart that follows a failure: if it times out first, the broker aborts it and its records are lost
        java.time.Duration needed = o.get(CommonOptions.CHECKPOINT_INTERVAL).plus(o.get(CommonOptions.CHECKPOINT_TIMEOUT))
                .plus(o.get(CommonOptions.RESTART_MAX_DELAY));
        if (o.get(CommonOptions.KAFKA_TRANSACTION_TIMEOUT).compareTo(needed) < 0) {
            throw new OptionsException("--" + CommonOptions.KAFKA_TRANSACTION_TIMEOUT.key() + " ("
                    + format(o.get(CommonOptions.KAFKA_TRANSACTION_TIMEOUT)) + ") must be at least --"
                    + CommonOptions.CHECKPOINT_INTERVAL.key() + " + --" + CommonOptions.CHECKPOINT_TIMEOUT.key() + " + --"
                    + CommonOptions.RESTART_MAX_DELAY.key() + " (" + format(needed) + "), or Kafka aborts committed output during a recovery");
        }
        int maxParallelism = o.get(CommonOptions.MAX_PARALLELISM);
        if (maxParallelism < 1 || maxParallelism > 32768) {
            throw new OptionsException("bad value for --" + CommonOptions.MAX_PARALLELISM.key() + ": '" + maxParallelism + "' (1 to 32768)");
        }
        if (o.get(CommonOptions.PARALLELISM) > maxParallelism) {
            throw new OptionsException("--" + CommonOptions.PARALLELISM.key() + " (" + o.get(CommonOptions.PARALLELISM)
                    + ") is above --" + CommonOptions.MAX_PARALLELISM.key() + " (" + maxParallelism + ")");
        }
        if (o.get(CommonOptions.RESTART_ATTEMPTS) < 0) {
            throw new OptionsException("bad value for --" + CommonOptions.RESTART_ATTEMPTS.key() + ": must be 0 or more");
        }
        if (o.getOptional(CommonOptions.STOP_AFTER_RECORDS).isPresent()) {
            if (!o.local() || !o.replay()) {
                throw new OptionsException("--" + CommonOptions.STOP_AFTER_RECORDS.key() + " stops a local replay: it needs --local and --input.<stream> files");
            }
            if (o.get(CommonOptions.STOP_AFTER_RECORDS) < 0) {
                throw new OptionsException("bad value for --" + CommonOptions.STOP_AFTER_RECORDS.key() + ": must be 0 or more");
            }
        }
    }

    private static String format(java.time.Duration d) {
        return org.apache.flink.util.TimeUtils.formatWithHighestUnit(d);
    }

    private static Map<String, String> readConfigFile(String file) {
        Properties p = new Properties();
        try (var reader = Files.newBufferedReader(Path.of(file))) {
            // key: value and key=value lines both read as properties
            p.load(reader);
        } catch (IOException e) {
            throw new OptionsException("--config: cannot read " + file + ": " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k.trim(), p.getProperty(k).trim()));
        return out;
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) e = e.getCause();
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    /** The --help text: every option with its default and meaning. */
    public static String usage(String job, String summary, List<ConfigOption<?>> options, List<String> streams) {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: bin/dataloop run ").append(job).append(" [--local] [--input.<stream> FILE.jsonl]... [--output.dir DIR] [--config FILE] [--key value]...\n\n");
        sb.append(summary).append("\n\n");
        sb.append("  --local                 run on an in-process MiniCluster\n");
        sb.append("  --input.<stream> FILE   replay a JSON Lines file instead of Kafka; streams: ").append(String.join(", ", streams)).append('\n');
        sb.append("  --output.dir DIR        write every output table and the dead letters to DIR/<table>.jsonl\n");
        sb.append("  --config FILE           read options from a file of key: value lines (the command line wins)\n\n");
        sb.append("Options:\n");
        for (ConfigOption<?> o : options) {
            String dflt = o.hasDefaultValue() ? String.valueOf(o.defaultValue()) : "(none)";
            if (o.defaultValue() instanceof java.time.Duration d) dflt = org.apache.flink.util.TimeUtils.formatWithHighestUnit(d);
            sb.append(String.format("  --%-32s %s%n      default: %s%n", o.key() + " <value>", text(o.description()), dflt));
        }
        return sb.toString();
    }

    private static String text(org.apache.flink.configuration.description.Description d) {
        StringBuilder sb = new StringBuilder();
        for (var block : d.getBlocks()) {
            if (block instanceof org.apache.flink.configuration.description.TextElement t) sb.append(t.getFormat());
        }
        return sb.toString();
    }

    public String job() { return job; }
    public <T> T get(ConfigOption<T> option) { return config.get(option); }
    public <T> Optional<T> getOptional(ConfigOption<T> option) { return config.getOptional(option); }
    public Configuration config() { return config; }
    /** Replay files by stream name. */
    public Map<String, String> inputs() { return inputs; }
    public Optional<String> input(String stream) { return Optional.ofNullable(inputs.get(stream)); }
    public Optional<String> outputDir() { return Optional.ofNullable(outputDir); }
    public boolean local() { return local; }
    public boolean help() { return help; }
    /** True when any stream is replayed from a file: then the job is bounded and runs at parallelism 1. */
    public boolean replay() { return !inputs.isEmpty(); }
    public ZoneId zone() { return ZoneId.of(config.get(CommonOptions.TIMEZONE)); }

    /** A copy with one more option set, for tests and tools. */
    public JobOptions with(ConfigOption<?> option, String value) {
        Configuration c = new Configuration(config);
        c.setString(option.key(), value);
        return new JobOptions(job, c, inputs, outputDir, local, help);
    }
}
