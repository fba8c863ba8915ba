package org.dataloop.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.dataloop.casemetrics.CaseMetricsJob;
import org.dataloop.cdcdim.CdcDimJob;
import org.dataloop.cdcdim.CdcOptions;
import org.dataloop.common.config.CommonOptions;
import org.dataloop.common.config.JobOptions;
import org.dataloop.common.heartbeat.HeartbeatOptions;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.heartbeat.HeartbeatJob;
import org.dataloop.laketodoris.LakeToDorisJob;
import org.dataloop.laketodoris.LakeToDorisOptions;
import org.dataloop.posetrigger.PoseTriggerJob;

/** The arguments the chart renders are accepted by the job's own option parser: chart and code cannot drift apart. */
class JobArgsTest {

    static List<String> args(JsonNode flinkDeployment) {
        List<String> args = new ArrayList<>();
        flinkDeployment.path("spec").path("job").path("args").forEach(a -> args.add(a.asText()));
        return args;
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
        assertThat(options.get(CommonOptions.CHECKPOINT_INTERVAL))
                .isEqualTo(org.apache.flink.util.TimeUtils.parseDuration(conf.path("execution.checkpointing.interval").asText()));
        assertThat(options.get(CommonOptions.STATE_BACKEND).name()).isEqualTo(conf.path("state.backend.type").asText());
        assertThat(options.get(CommonOptions.RESTART_ATTEMPTS)).isEqualTo(Integer.parseInt(conf.path("restart-strategy.fixed-delay.attempts").asText()));
        assertThat(options.get(CommonOptions.RESTART_DELAY))
                .isEqualTo(org.apache.flink.util.TimeUtils.parseDuration(conf.path("restart-strategy.fixed-delay.delay").asText()));
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
        assertThat(options.get(LakeToDorisOptions.PASSWORD_FILE)).isEqualTo("/etc/dataloop/doris/password");
        assertThat(options.getOptional(LakeToDorisOptions.FENODES)).isPresent();
        assertThat(options.get(LakeToDorisOptions.TABLES)).containsExactly("dws_daily_auto_rate", "dws_daily_mps_mpd",
                "dwd_case_detail", "realtime_metrics");
        assertThat(options.getOptional(CommonOptions.PAIMON_WAREHOUSE)).isPresent();
        assertThat(options.getOptional(CommonOptions.FLUSS_BOOTSTRAP)).isPresent();
        assertThat(args).doesNotContain("--kafka.properties-file");
        String pod = d.path("spec").path("podTemplate").toString();
        assertThat(pod).contains("\"secretName\":\"dataloop-doris\"").contains("/etc/dataloop/doris");
        // the password itself is nowhere in the deployment
        assertThat(d.toString()).doesNotContainIgnoringCase("doris.password\"").doesNotContain("--doris.password ");
    }

    @org.junit.jupiter.api.Test
    void aDorisPasswordFileCannotBeSetAsAnOption() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Chart.template("values.yaml", Map.of(
                "jobs.lake-to-doris-job.enabled", true, "jobs.lake-to-doris-job.options.doris\\.password-file", "/x"))))
                .hasMessageContaining("doris.password-file is set by the chart");
    }
}
