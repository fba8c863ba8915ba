package org.dataloop.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.contrib.streaming.state.RocksDBOptions;
import org.apache.flink.metrics.prometheus.PrometheusPushGatewayReporterOptions;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;
import org.apache.flink.streaming.api.environment.ExecutionCheckpointingOptions;
import org.junit.jupiter.api.Test;

/**
 * Every key the chart puts in a FlinkDeployment's flinkConfiguration is a current option: a key Flink does not know
 * is silently ignored, and a deprecated one may go with the next version. Flink's keys are read by reflection from
 * the {@code ConfigOption}s of Flink 1.20 on the test classpath; the operator's (its jar is not on Maven Central for
 * 1.10) and the S3 file system plugin's are listed with where they were checked.
 */
class FlinkConfigurationKeysTest {
    /** flink-kubernetes-operator 1.10.0, KubernetesOperatorConfigOptions. */
    private static final Set<String> OPERATOR_KEYS = Set.of(
            "kubernetes.operator.job.restart.failed",
            "kubernetes.operator.savepoint.history.max.age",
            "kubernetes.operator.savepoint.history.max.count",
            "kubernetes.operator.savepoint.dispose-on-delete",
            "kubernetes.operator.savepoint.format.type",
            "kubernetes.operator.periodic.savepoint.interval");
    /**
     * Deprecated in Flink 1.20 but what the operator 1.10 reads: it is built on Flink 1.19, whose options have only these
     * names (DefaultValidator refuses a savepoint-mode job without state.checkpoints.dir; savepoints go to
     * state.savepoints.dir). The chart renders the current names too.
     */
    private static final Set<String> OPERATOR_READS = Set.of("state.checkpoints.dir", "state.savepoints.dir");
    /** flink-s3-fs-hadoop 1.20: keys under s3. are handed to Hadoop's S3A as fs.s3a.* (S3FileSystemFactory). */
    private static final Set<String> S3_KEYS = Set.of("s3.endpoint", "s3.path.style.access");

    /** Key → whether only deprecated options (or deprecated fallback keys) carry it. */
    private static Map<String, Boolean> flinkKeys() throws Exception {
        Map<String, Boolean> current = new HashMap<>();
        Set<String> deprecated = new HashSet<>();
        for (Class<?> anchor : List.of(CheckpointingOptions.class, ExecutionCheckpointingOptions.class, RocksDBOptions.class)) {
            Path jar = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            String pkg = anchor.getPackageName().replace('.', '/') + "/";
            try (JarFile file = new JarFile(jar.toFile())) {
                for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
                    String name = e.nextElement().getName();
                    if (!name.startsWith(pkg) || !name.endsWith("Options.class") || name.substring(pkg.length()).contains("/")) continue;
                    Class<?> c = Class.forName(name.replace('/', '.').replace(".class", ""), false, anchor.getClassLoader());
                    for (Field f : c.getFields()) {
                        if (!Modifier.isStatic(f.getModifiers()) || !ConfigOption.class.isAssignableFrom(f.getType())) continue;
                        ConfigOption<?> option = (ConfigOption<?>) f.get(null);
                        boolean old = f.isAnnotationPresent(Deprecated.class) || c.isAnnotationPresent(Deprecated.class);
                        if (old) deprecated.add(option.key());
                        else current.put(option.key(), true);
                        for (FallbackKey k : option.fallbackKeys()) if (k.isDeprecated()) deprecated.add(k.getKey());
                    }
                }
            }
        }
        Map<String, Boolean> keys = new HashMap<>();
        deprecated.forEach(k -> keys.put(k, false));
        current.forEach(keys::put);
        return keys;
    }

    /** The keys of the Prometheus reporter's options, under {@code metrics.reporter.<name>.}. */
    private static Set<String> reporterKeys() throws Exception {
        Set<String> keys = new HashSet<>();
        keys.add(MetricOptions.REPORTER_FACTORY_CLASS.key());
        // the pull reporter's port (a constant of its factory) and the label filter it shares with the push reporter
        Field port = PrometheusReporterFactory.class.getDeclaredField("ARG_PORT");
        port.setAccessible(true);
        keys.add((String) port.get(null));
        keys.add(PrometheusPushGatewayReporterOptions.FILTER_LABEL_VALUE_CHARACTER.key());
        return keys;
    }

    @Test
    void everyRenderedFlinkConfigurationKeyIsACurrentOption() throws Exception {
        Map<String, Boolean> flink = flinkKeys();
        assertThat(flink).containsEntry("execution.checkpointing.dir", true).containsEntry("state.checkpoints.dir", false);
        Set<String> reporter = reporterKeys();
        List<String> wrong = new ArrayList<>();
        for (String values : Chart.ENVIRONMENTS) {
            Map<String, Object> everything = Map.of("highAvailability.enabled", true, "savepoints.periodicInterval", "6 h");
            for (JsonNode d : Chart.documents(Chart.template(values, everything))) {
                if (!d.path("kind").asText().equals("FlinkDeployment")) continue;
                for (Iterator<String> it = d.path("spec").path("flinkConfiguration").fieldNames(); it.hasNext(); ) {
                    String key = it.next();
                    boolean known;
                    if (key.startsWith("kubernetes.operator.")) known = OPERATOR_KEYS.contains(key);
                    else if (key.startsWith("s3.")) known = S3_KEYS.contains(key);
                    else if (key.startsWith("metrics.reporter.prom.")) known = reporter.contains(key.substring("metrics.reporter.prom.".length()))
                            || reporter.contains(key.replace("metrics.reporter.prom.", "metrics.reporter.<name>."));
                    else known = Boolean.TRUE.equals(flink.get(key)) || OPERATOR_READS.contains(key);
                    if (!known) wrong.add(values + ": " + key + (Boolean.FALSE.equals(flink.get(key)) ? " (deprecated)" : " (unknown)"));
                }
            }
        }
        assertThat(wrong).as("keys Flink 1.20 or the operator would ignore or has deprecated").isEmpty();
        // each deprecated key the operator needs comes with its current name
        for (String values : Chart.ENVIRONMENTS) {
            for (JsonNode d : Chart.documents(Chart.template(values))) {
                if (!d.path("kind").asText().equals("FlinkDeployment")) continue;
                JsonNode conf = d.path("spec").path("flinkConfiguration");
                assertThat(conf.path("state.checkpoints.dir").asText()).isNotEmpty().isEqualTo(conf.path("execution.checkpointing.dir").asText());
                assertThat(conf.path("state.savepoints.dir").asText()).isNotEmpty().isEqualTo(conf.path("execution.checkpointing.savepoint-dir").asText());
            }
        }
    }
}
