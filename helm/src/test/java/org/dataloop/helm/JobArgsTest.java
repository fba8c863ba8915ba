package org.dataloop.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.dataloop.casemetrics.CaseMetricsJob;
import org.dataloop.cdcdim.CdcDimJob;
import org.dataloop.cdcdim.CdcOptions;
import org.dataloop.common.config.CommonOptions;
import org.dataloop.common.config.JobOptions;
import org.dataloop.common.heartbeat.HeartbeatOptions;
import org.dataloop.common.runtime.JobDefinition;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.heartbeat.HeartbeatJob;
import org.dataloop.laketodoris.LakeToDorisJob;
import org.dataloop.laketodoris.LakeToDorisOptions;
import org.dataloop.posetrigger.PoseTriggerJob;

/** The arguments the chart renders are accepted by the job's own option parser: chart and code cannot drift apart. */
class JobArgsTest {
    /** Every job of the chart with its definition, whose option parser reads the rendered arguments. */
    static final Map<String, Supplier<JobDefinition>> JOBS = Map.of(
            "heartbeat-job", HeartbeatJob::new,
            "pose-trigger-job", PoseTriggerJob::new,
            "case-metrics-job", CaseMetricsJob::new,
            "cdc-dim-job", () -> new CdcDimJob(Map.of()),
            "lake-to-doris-job", LakeToDorisJob::new);

    /** The Flink settings both the job (JobRunner.flinkConfiguration) and the chart's flinkConfiguration set. */
    static final List<ConfigOption<?>> SHARED_FLINK_OPTIONS = List.of(
            StateBackendOptions.STATE_BACKEND,
            CheckpointingOptions.INCREMENTAL_CHECKPOINTS,
            CheckpointingOptions.CHECKPOINTING_TIMEOUT,
            PipelineOptions.MAX_PARALLELISM,
            RestartStrategyOptions.RESTART_STRATEGY,
            RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
            RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
            RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER,
            RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
            RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS);

    static List<String> args(JsonNode flinkDeployment) {
        List<String> args = new ArrayList<>();
        flinkDeployment.path("spec").path("job").path("args").forEach(a -> args.add(a.asText()));
        return args;
    }

    /** The rendered deployment's arguments, parsed by its job's own parser. */
    static JobOptions parse(String name, JsonNode flinkDeployment) {
        return JobRunner.parse(JOBS.get(name).get(), args(flinkDeployment).toArray(String[]::new));
    }

    /** The rendered spec.flinkConfiguration as Flink reads it. */
    static Configuration clusterConfiguration(JsonNode flinkDeployment) {
        Map<String, String> map = new LinkedHashMap<>();
        flinkDeployment.path("spec").path("flinkConfiguration").fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return Configuration.fromMap(map);
    }

    /** What the job sets programmatically from its options. */
    static Configuration jobConfiguration(JobOptions options) {
        return JobRunner.flinkConfiguration(options);
    }

    /**
     * The cluster configuration the chart renders and the configuration the job sets from the arguments the chart
     * renders agree on every setting both make (restart strategy, checkpoint timeout, max parallelism, state backend,
     * checkpoint interval), and the job sets nothing the chart does not render.
     */
    static void assertClusterAgreesWithJob(JsonNode flinkDeployment, JobOptions options) {
        Configuration cluster = clusterConfiguration(flinkDeployment);
        Configuration job = jobConfiguration(options);
        List<String> shared = SHARED_FLINK_OPTIONS.stream().map(ConfigOption::key).toList();
        assertThat(job.keySet()).as("settings the job makes").allSatisfy(k -> assertThat(shared).as(
                "the job sets %s: render it in the chart's flinkConfiguration and add it to SHARED_FLINK_OPTIONS", k).contains(k));
        for (ConfigOption<?> o : SHARED_FLINK_OPTIONS) {
            assertThat((Object) cluster.get(o)).as("%s: the cluster's (chart) vs the job's", o.key()).isEqualTo(job.get(o));
        }
        assertThat(options.get(CommonOptions.CHECKPOINT_INTERVAL))
                .isEqualTo(TimeUtils.parseDuration(cluster.getString("execution.checkpointing.interval", "")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-dev.yaml", "values-prod.yaml"})
    void heartbeatJobParsesTheRenderedArguments(String valuesFile) {
        JsonNode d = Chart.flinkDeployments(Chart.template(valuesFile)).get("heartbeat-job");
        List<String> args = args(d);
        JobOptions options = JobRunner.parse(new HeartbeatJob(), args.toArray(String[]::new));

        assertThat(options.local()).isFalse();
        assertThat(options.replay()).isFalse();
        JsonNode conf = d.path("spec").path("flinkConfiguration");
        // the job's programmatic settings agree with the cluster configuration the chart renders
        assertClusterAgreesWithJob(d, options);
        assertThat(options.get(CommonOptions.STATE_BACKEND).name()).isEqualTo(conf.path("state.backend.type").asText());
        // exponential-delay restarts: 1 s doubling up to 2 min, reset after 10 min of stable running, unlimited
        assertThat(conf.path("restart-strategy.type").asText()).isEqualTo("exponential-delay");
        assertThat(options.get(CommonOptions.RESTART_DELAY)).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.get(CommonOptions.RESTART_MAX_DELAY)).isEqualTo(Duration.ofMinutes(2));
        assertThat(options.get(CommonOptions.RESTART_RESET_AFTER)).isEqualTo(Duration.ofMinutes(10));
        assertThat(options.get(CommonOptions.RESTART_ATTEMPTS)).as("unlimited").isEqualTo(Integer.MAX_VALUE);
        assertThat(args).doesNotContain("--restart.attempts");
        assertThat(conf.has("restart-strategy.exponential-delay.attempts-before-reset-backoff")).isFalse();
        assertThat(options.get(CommonOptions.CHECKPOINT_TIMEOUT)).isEqualTo(Duration.ofMinutes(5));
        assertThat(options.get(CommonOptions.MAX_PARALLELISM)).isEqualTo(128);
        assertThat(options.get(CommonOptions.KAFKA_PROPERTIES_FILE)).isEqualTo("/etc/dataloop/kafka/client.properties");
        assertThat(options.get(CommonOptions.PAIMON_CATALOG_OPTIONS_FILE)).isEqualTo("/etc/dataloop/paimon/catalog.properties");
        assertThat(options.getOptional(CommonOptions.KAFKA_BOOTSTRAP)).isPresent();
        assertThat(options.getOptional(CommonOptions.PAIMON_WAREHOUSE)).isPresent();
        assertThat(options.getOptional(CommonOptions.FLUSS_BOOTSTRAP)).isPresent();
        assertThat(options.getOptional(CommonOptions.SAVEPOINT_PATH)).as("restores come from the operator, not --savepoint.path").isEmpty();
        assertThat(options.get(HeartbeatOptions.ALLOWED_LATENESS)).isEqualTo(Duration.ofHours(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-prod.yaml"})
    void overriddenAndRemovedOptionsStillParse(String valuesFile) {
        JsonNode d = Chart.flinkDeployments(Chart.template(valuesFile, Map.of(
                "jobs.heartbeat-job.options.paimon\\.buckets", 8,
                "jobs.heartbeat-job.options.fluss\\.bootstrap-servers", "",
                "jobs.heartbeat-job.options.auto-rate\\.emit-interval", "30 s",
                "jobs.heartbeat-job.stateBackend", "hashmap"))).get("heartbeat-job");
        JobOptions options = JobRunner.parse(new HeartbeatJob(), args(d).toArray(String[]::new));
        assertClusterAgreesWithJob(d, options);
        assertThat(options.get(CommonOptions.PAIMON_BUCKETS)).isEqualTo(8);
        assertThat(options.getOptional(CommonOptions.FLUSS_BOOTSTRAP)).isEmpty();
        assertThat(options.get(HeartbeatJob.EMIT_INTERVAL)).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.get(CommonOptions.STATE_BACKEND)).isEqualTo(CommonOptions.StateBackend.hashmap);
        assertThat(d.path("spec").path("flinkConfiguration").path("state.backend.type").asText()).isEqualTo("hashmap");
    }

    @org.junit.jupiter.api.Test
    void withoutAKafkaSecretNoPropertiesFileIsMountedOrPassed() {
        JsonNode d = Chart.flinkDeployments(Chart.template("values.yaml", Map.of("secrets.kafka.secretName", ""))).get("heartbeat-job");
        List<String> args = args(d);
        assertThat(args).doesNotContain("--kafka.properties-file").contains("--paimon.catalog-options-file");
        assertThat(d.path("spec").path("podTemplate").toString()).doesNotContain("kafka-client");
        JobOptions options = JobRunner.parse(new HeartbeatJob(), args.toArray(String[]::new));
        assertThat(options.getOptional(CommonOptions.KAFKA_PROPERTIES_FILE)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-dev.yaml", "values-prod.yaml"})
    void poseTriggerJobParsesTheRenderedArguments(String valuesFile) {
        JsonNode d = Chart.flinkDeployments(Chart.template(valuesFile)).get("pose-trigger-job");
        assertThat(d).as("pose-trigger-job is deployed").isNotNull();
        JobOptions options = JobRunner.parse(new PoseTriggerJob(), args(d).toArray(String[]::new));
        assertClusterAgreesWithJob(d, options);
        assertThat(options.getOptional(CommonOptions.KAFKA_BOOTSTRAP)).isPresent();
        assertThat(options.getOptional(CommonOptions.PAIMON_WAREHOUSE)).isPresent();
        assertThat(options.getOptional(CommonOptions.SAVEPOINT_PATH)).isEmpty();
        assertThat(options.get(PoseTriggerJob.DELIVERY)).isEqualTo(PoseTriggerJob.Delivery.exactly_once);
    }

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-dev.yaml", "values-prod.yaml"})
    void caseMetricsJobParsesTheRenderedArguments(String valuesFile) {
        JsonNode d = Chart.flinkDeployments(Chart.template(valuesFile)).get("case-metrics-job");
        assertThat(d).as("case-metrics-job is deployed").isNotNull();
        JobOptions options = JobRunner.parse(new CaseMetricsJob(), args(d).toArray(String[]::new));
        assertClusterAgreesWithJob(d, options);
        assertThat(options.getOptional(CommonOptions.KAFKA_BOOTSTRAP)).isPresent();
        assertThat(options.getOptional(CommonOptions.PAIMON_WAREHOUSE)).isPresent();
        assertThat(options.getOptional(CommonOptions.FLUSS_BOOTSTRAP)).as("realtime_metrics goes to Fluss").isPresent();
        assertThat(options.get(CaseMetricsJob.CONTEXT_RETENTION)).isGreaterThanOrEqualTo(Duration.ofHours(48));
        assertThat(CaseMetricsJob.dangerousTypes(options)).containsExactlyInAnyOrder("collision", "dangerous");
    }

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-dev.yaml", "values-prod.yaml"})
    void cdcDimJobParsesTheRenderedArgumentsAndReadsItsPasswordsFromMountedSecrets(String valuesFile) {
        JsonNode d = Chart.flinkDeployments(Chart.template(valuesFile, Map.of("jobs.cdc-dim-job.enabled", true))).get("cdc-dim-job");
        assertThat(d).as("cdc-dim-job can be enabled").isNotNull();
        List<String> args = args(d);
        JobOptions options = JobRunner.parse(new CdcDimJob(Map.of()), args.toArray(String[]::new));
        assertClusterAgreesWithJob(d, options);
        assertThat(options.getOptional(CommonOptions.PAIMON_WAREHOUSE)).isPresent();
        assertThat(options.getOptional(CommonOptions.KAFKA_BOOTSTRAP)).as("reads no Kafka").isEmpty();
        assertThat(options.getOptional(CommonOptions.KAFKA_PROPERTIES_FILE)).isEmpty();
        assertThat(options.get(CommonOptions.PAIMON_CATALOG_OPTIONS_FILE)).isEqualTo("/etc/dataloop/paimon/catalog.properties");
        assertThat(options.getOptional(CdcOptions.MYSQL_HOSTNAME)).isPresent();
        assertThat(options.getOptional(CdcOptions.POSTGRES_HOSTNAME)).isPresent();
        assertThat(options.get(CdcOptions.MYSQL_SERVER_ID)).isEqualTo("5400-5403");
        assertThat(options.get(CdcOptions.POSTGRES_SLOT_NAME)).isEqualTo("dataloop_cdc_dim");
        assertThat(options.get(CdcOptions.POSTGRES_PUBLICATION)).isEqualTo("dataloop_cdc_dim");
        // the server-id range has an id for every reader of the deployment's parallelism
        org.dataloop.cdcdim.ServerIdRange.parse(CdcOptions.MYSQL_SERVER_ID.key(), options.get(CdcOptions.MYSQL_SERVER_ID),
                d.path("spec").path("job").path("parallelism").asInt());
        // each password file lies in a directory mounted read-only from a Secret
        JsonNode pod = d.path("spec").path("podTemplate").path("spec");
        for (String file : List.of(options.get(CdcOptions.MYSQL_PASSWORD_FILE), options.get(CdcOptions.POSTGRES_PASSWORD_FILE))) {
            String dir = file.substring(0, file.lastIndexOf('/'));
            JsonNode mount = null;
            for (JsonNode m : pod.path("containers").get(0).path("volumeMounts")) if (m.path("mountPath").asText().equals(dir)) mount = m;
            assertThat(mount).as("a volume mounted at %s", dir).isNotNull();
            assertThat(mount.path("readOnly").asBoolean()).isTrue();
            String volume = mount.path("name").asText();
            JsonNode secret = null;
            for (JsonNode v : pod.path("volumes")) if (v.path("name").asText().equals(volume)) secret = v.path("secret");
            assertThat(secret).as("volume %s", volume).isNotNull();
            assertThat(secret.path("secretName").asText()).startsWith("dataloop-");
        }
        assertThat(args).noneMatch(a -> a.equals("--mysql.password") || a.equals("--postgres.password"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-dev.yaml", "values-prod.yaml"})
    void lakeToDorisJobEnabledParsesTheRenderedArgumentsWithThePasswordFromASecretFile(String valuesFile) {
        JsonNode d = Chart.flinkDeployments(Chart.template(valuesFile, Map.of("jobs.lake-to-doris-job.enabled", true)))
                .get("lake-to-doris-job");
        assertThat(d).as("lake-to-doris-job can be enabled").isNotNull();
        List<String> args = args(d);
        JobOptions options = JobRunner.parse(new LakeToDorisJob(), args.toArray(String[]::new));
        assertClusterAgreesWithJob(d, options);
        assertThat(options.get(LakeToDorisOptions.PASSWORD_FILE)).isEqualTo("/etc/dataloop/doris/password");
        assertThat(options.getOptional(LakeToDorisOptions.FENODES)).isPresent();
        assertThat(options.get(LakeToDorisOptions.TABLES)).containsExactly("dws_daily_auto_rate", "dws_daily_mps_mpd",
                "dwd_case_detail", "realtime_metrics");
        assertThat(options.getOptional(CommonOptions.PAIMON_WAREHOUSE)).isPresent();
        assertThat(options.getOptional(CommonOptions.FLUSS_BOOTSTRAP)).isPresent();
        // its dead letters (rows Doris would refuse) go to the Kafka topic dlq, with the Kafka client's settings
        assertThat(options.getOptional(CommonOptions.KAFKA_BOOTSTRAP)).isPresent();
        String pod = d.path("spec").path("podTemplate").toString();
        assertThat(pod).contains("\"secretName\":\"dataloop-doris\"").contains("/etc/dataloop/doris");
        // the password itself is nowhere in the deployment
        assertThat(d.toString()).doesNotContainIgnoringCase("doris.password\"").doesNotContain("--doris.password ");
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 0})
    void restartAttemptsWhenSetReachTheClusterAndTheJob(int attempts) {
        JsonNode d = Chart.flinkDeployments(Chart.template("values-prod.yaml", Map.of("restartStrategy.attempts", attempts)))
                .get("heartbeat-job");
        List<String> args = args(d);
        assertThat(args).containsSubsequence("--restart.attempts", String.valueOf(attempts));
        JobOptions options = JobRunner.parse(new HeartbeatJob(), args.toArray(String[]::new));
        assertThat(options.get(CommonOptions.RESTART_ATTEMPTS)).isEqualTo(attempts);
        assertClusterAgreesWithJob(d, options);
        JsonNode conf = d.path("spec").path("flinkConfiguration");
        if (attempts == 0) {
            assertThat(conf.path("restart-strategy.type").asText()).as("0 = never restart").isEqualTo("none");
            conf.fieldNames().forEachRemaining(k -> assertThat(k).doesNotStartWith("restart-strategy.exponential-delay."));
        } else {
            assertThat(conf.path("restart-strategy.type").asText()).isEqualTo("exponential-delay");
            assertThat(conf.path("restart-strategy.exponential-delay.attempts-before-reset-backoff").asText()).isEqualTo("5");
        }
    }

    @org.junit.jupiter.api.Test
    void restartDelaysCheckpointTimeoutAndMaxParallelismReachTheClusterAndTheJob() {
        JsonNode d = Chart.flinkDeployments(Chart.template("values.yaml", Map.of(
                "restartStrategy.initialDelay", "5 s",
                "restartStrategy.maxDelay", "1 min",
                "restartStrategy.resetAfter", "30 min",
                "checkpoints.timeout", "8 min",
                "jobs.heartbeat-job.maxParallelism", 256))).get("heartbeat-job");
        JobOptions options = JobRunner.parse(new HeartbeatJob(), args(d).toArray(String[]::new));
        assertClusterAgreesWithJob(d, options);
        assertThat(options.get(CommonOptions.RESTART_DELAY)).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.get(CommonOptions.RESTART_MAX_DELAY)).isEqualTo(Duration.ofMinutes(1));
        assertThat(options.get(CommonOptions.RESTART_RESET_AFTER)).isEqualTo(Duration.ofMinutes(30));
        assertThat(options.get(CommonOptions.CHECKPOINT_TIMEOUT)).isEqualTo(Duration.ofMinutes(8));
        assertThat(options.get(CommonOptions.MAX_PARALLELISM)).isEqualTo(256);
        JsonNode conf = d.path("spec").path("flinkConfiguration");
        assertThat(conf.path("pipeline.max-parallelism").asText()).isEqualTo("256");
        assertThat(conf.path("execution.checkpointing.timeout").asText()).isEqualTo("8 min");
        // the other jobs keep the default
        JsonNode other = Chart.flinkDeployments(Chart.template("values.yaml", Map.of("jobs.heartbeat-job.maxParallelism", 256)))
                .get("pose-trigger-job");
        assertThat(args(other)).containsSubsequence("--max-parallelism", "128");
    }

    @org.junit.jupiter.api.Test
    void aDorisPasswordFileCannotBeSetAsAnOption() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Chart.template("values.yaml", Map.of(
                "jobs.lake-to-doris-job.enabled", true, "jobs.lake-to-doris-job.options.doris\\.password-file", "/x"))))
                .hasMessageContaining("doris.password-file is set by the chart");
    }
}
