package org.dataloop.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the chart renders: jobs, upgrade settings, state locations, HA, secrets, monitoring. */
class RenderedChartTest {
    static final List<String> ALL_JOBS = List.of("heartbeat-job", "pose-trigger-job", "case-metrics-job", "cdc-dim-job", "lake-to-doris-job");
    static final Map<String, String> ENTRY_CLASSES = Map.of(
            "heartbeat-job", "org.dataloop.heartbeat.HeartbeatJob",
            "pose-trigger-job", "org.dataloop.posetrigger.PoseTriggerJob",
            "case-metrics-job", "org.dataloop.casemetrics.CaseMetricsJob",
            "cdc-dim-job", "org.dataloop.cdcdim.CdcDimJob",
            "lake-to-doris-job", "org.dataloop.laketodoris.LakeToDorisJob");

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-dev.yaml", "values-prod.yaml"})
    void theImplementedJobsAreEnabledByDefault(String valuesFile) {
        assertThat(Chart.flinkDeployments(Chart.template(valuesFile))).containsOnlyKeys("heartbeat-job", "pose-trigger-job", "case-metrics-job");
    }

    @Test
    void everyEnabledJobHasItsJarEntryClassUpgradeModeStateDirsAndHa() {
        Map<String, Object> sets = new LinkedHashMap<>();
        for (String job : ALL_JOBS) sets.put("jobs." + job + ".enabled", true);
        Map<String, JsonNode> deployments = Chart.flinkDeployments(Chart.template("values.yaml", sets));
        assertThat(deployments).containsOnlyKeys(ALL_JOBS);
        for (String name : ALL_JOBS) {
            JsonNode d = deployments.get(name);
            assertThat(d.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
            JsonNode spec = d.path("spec");
            assertThat(spec.path("flinkVersion").asText()).isEqualTo("v1_20");
            assertThat(spec.path("mode").asText()).isEqualTo("native");
            JsonNode job = spec.path("job");
            assertThat(job.path("jarURI").asText()).isEqualTo("local:///opt/flink/jobs/" + name + ".jar");
            assertThat(job.path("entryClass").asText()).isEqualTo(ENTRY_CLASSES.get(name));
            assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
            assertThat(job.path("state").asText()).isEqualTo("running");
            assertThat(job.path("allowNonRestoredState").asBoolean(true)).isFalse();
            assertThat(job.has("initialSavepointPath")).isFalse();
            assertThat(job.has("savepointRedeployNonce")).isFalse();
            assertThat(spec.has("restartNonce")).isFalse();

            JsonNode conf = spec.path("flinkConfiguration");
            assertThat(conf.path("execution.checkpointing.dir").asText()).isEqualTo("s3://dataloop-flink/checkpoints/" + name);
            assertThat(conf.path("execution.checkpointing.savepoint-dir").asText()).isEqualTo("s3://dataloop-flink/savepoints/" + name);
            assertThat(conf.path("high-availability.type").asText()).isEqualTo("kubernetes");
            assertThat(conf.path("high-availability.storageDir").asText()).isEqualTo("s3://dataloop-flink/ha/" + name);
            assertThat(conf.path("state.backend.type").asText()).isEqualTo("rocksdb");
            assertThat(conf.path("execution.checkpointing.incremental").asText()).isEqualTo("true");
            assertThat(conf.path("s3.endpoint").asText()).startsWith("http://minio");
            assertThat(conf.path("s3.path.style.access").asText()).isEqualTo("true");
            assertThat(conf.path("restart-strategy.type").asText()).isEqualTo("exponential-delay");
            assertThat(conf.path("restart-strategy.exponential-delay.initial-backoff").asText()).isEqualTo("1 s");
            assertThat(conf.path("restart-strategy.exponential-delay.max-backoff").asText()).isEqualTo("2 min");
            assertThat(conf.path("restart-strategy.exponential-delay.backoff-multiplier").asText()).isEqualTo("2.0");
            assertThat(conf.path("restart-strategy.exponential-delay.reset-backoff-threshold").asText()).isEqualTo("10 min");
            assertThat(conf.has("restart-strategy.exponential-delay.attempts-before-reset-backoff")).as("unlimited").isFalse();
            conf.fieldNames().forEachRemaining(k -> assertThat(k).doesNotStartWith("restart-strategy.fixed-delay"));
            // a job that reached FAILED is redeployed by the operator (its default, false, leaves it failed)
            assertThat(conf.path("kubernetes.operator.job.restart.failed").asText()).isEqualTo("true");
            assertThat(conf.path("execution.checkpointing.interval").asText()).isEqualTo("60 s");
            assertThat(conf.path("execution.checkpointing.timeout").asText()).isEqualTo("5 min");
            assertThat(conf.path("pipeline.max-parallelism").asText()).isEqualTo("128");
            assertThat(conf.path("execution.checkpointing.externalized-checkpoint-retention").asText()).isEqualTo("RETAIN_ON_CANCELLATION");
            assertThat(conf.path("metrics.reporter.prom.factory.class").asText()).isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            assertThat(conf.path("kubernetes.operator.savepoint.history.max.age").asText()).isEqualTo("7 d");
            assertThat(conf.path("kubernetes.operator.savepoint.history.max.count").asText()).isEqualTo("10");
            // every Flink configuration value is a string (the CRD's map type)
            conf.fields().forEachRemaining(e -> assertThat(e.getValue().isTextual()).as(e.getKey()).isTrue());

            List<String> args = JobArgsTest.args(d);
            assertThat(args).containsSubsequence("--checkpoint.interval", "60 s");
            assertThat(args).containsSubsequence("--checkpoint.timeout", "5 min");
            assertThat(args).containsSubsequence("--max-parallelism", "128");
            assertThat(args).containsSubsequence("--restart.delay", "1 s", "--restart.max-delay", "2 min", "--restart.reset-after", "10 min");
            assertThat(args).doesNotContain("--restart.attempts");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-dev.yaml", "values-prod.yaml"})
    void theOperatorRestartsFailedJobsUnlessTheConfigurationSaysOtherwise(String valuesFile) {
        Chart.flinkDeployments(Chart.template(valuesFile)).forEach((name, d) -> assertThat(
                d.path("spec").path("flinkConfiguration").path("kubernetes.operator.job.restart.failed").asText()).as(name).isEqualTo("true"));
        // kept down for a diagnosis: the job's own flinkConfiguration wins
        JsonNode d = Chart.flinkDeployments(Chart.template(valuesFile, Map.of(
                "jobs.heartbeat-job.flinkConfiguration.kubernetes\\.operator\\.job\\.restart\\.failed", "false"))).get("heartbeat-job");
        assertThat(d.path("spec").path("flinkConfiguration").path("kubernetes.operator.job.restart.failed").asText()).isEqualTo("false");
    }

    @Test
    void perJobCheckpointIntervalAndUpgradeSettings() {
        Map<String, JsonNode> d = Chart.flinkDeployments(Chart.template("values.yaml", Map.of(
                "jobs.heartbeat-job.checkpointInterval", "2 min",
                "jobs.heartbeat-job.initialSavepointPath", "s3://dataloop-flink/savepoints/heartbeat-job/savepoint-abc",
                "jobs.heartbeat-job.savepointRedeployNonce", 1700000001,
                "jobs.heartbeat-job.restartNonce", 7,
                "jobs.heartbeat-job.state", "suspended",
                "jobs.heartbeat-job.upgradeMode", "last-state")));
        JsonNode spec = d.get("heartbeat-job").path("spec");
        assertThat(spec.path("flinkConfiguration").path("execution.checkpointing.interval").asText()).isEqualTo("2 min");
        assertThat(JobArgsTest.args(d.get("heartbeat-job"))).containsSubsequence("--checkpoint.interval", "2 min");
        assertThat(spec.path("job").path("initialSavepointPath").asText()).isEqualTo("s3://dataloop-flink/savepoints/heartbeat-job/savepoint-abc");
        assertThat(spec.path("job").path("savepointRedeployNonce").isIntegralNumber()).isTrue();
        assertThat(spec.path("job").path("savepointRedeployNonce").asLong()).isEqualTo(1700000001L);
        assertThat(spec.path("restartNonce").asLong()).isEqualTo(7L);
        assertThat(spec.path("job").path("state").asText()).isEqualTo("suspended");
        assertThat(spec.path("job").path("upgradeMode").asText()).isEqualTo("last-state");
    }

    @Test
    void disablingAJobRemovesIt() {
        String manifest = Chart.template("values.yaml", Map.of("jobs.heartbeat-job.enabled", false));
        assertThat(Chart.flinkDeployments(manifest)).containsOnlyKeys("pose-trigger-job", "case-metrics-job");
        assertThat(manifest).doesNotContain("HeartbeatJob");
    }

    @Test
    void podsRunAsNonRootWithAReadOnlyRootFilesystemAndWritableEmptyDirs() {
        JsonNode d = Chart.flinkDeployments(Chart.template("values.yaml")).get("heartbeat-job");
        JsonNode pod = d.path("spec").path("podTemplate").path("spec");
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("securityContext").path("runAsUser").asInt()).isEqualTo(9999);
        JsonNode c = pod.path("containers").get(0);
        assertThat(c.path("name").asText()).isEqualTo("flink-main-container");
        assertThat(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(c.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        List<String> mounts = new ArrayList<>();
        c.path("volumeMounts").forEach(m -> mounts.add(m.path("mountPath").asText()));
        assertThat(mounts).contains("/tmp", "/opt/flink/log", "/etc/dataloop/kafka", "/etc/dataloop/paimon");
        assertThat(d.path("spec").path("serviceAccount").asText()).isEqualTo("dataloop-flink");

        List<JsonNode> docs = Chart.documents(Chart.template("values.yaml"));
        assertThat(docs).anySatisfy(x -> assertThat(x.path("kind").asText()).isEqualTo("ServiceAccount"));
        assertThat(docs).anySatisfy(x -> assertThat(x.path("kind").asText()).isEqualTo("Role"));
        assertThat(docs).anySatisfy(x -> assertThat(x.path("kind").asText()).isEqualTo("RoleBinding"));
    }

    /**
     * No credential is ever rendered: secrets are referenced by name only. Rendered with fake Secret names,
     * every job enabled and every monitoring object on, the manifest holds no Secret, no credential
     * key in the Flink configuration, every env var comes from a Secret, and the fake names appear only as
     * references.
     */
    @Test
    void noCredentialValueIsRendered() {
        Map<String, Object> sets = new LinkedHashMap<>();
        for (String job : ALL_JOBS) sets.put("jobs." + job + ".enabled", true);
        sets.put("s3.credentialsSecret.name", "fake-s3-secret");
        sets.put("secrets.kafka.secretName", "fake-kafka-secret");
        sets.put("secrets.paimon.secretName", "fake-paimon-secret");
        sets.put("secrets.doris.secretName", "fake-doris-password");
        sets.put("jobs.lake-to-doris-job.envFromSecrets[0]", "fake-doris-secret");
        sets.put("jobs.cdc-dim-job.env[0].name", "MYSQL_PASSWORD");
        sets.put("jobs.cdc-dim-job.env[0].valueFrom.secretKeyRef.name", "fake-mysql-secret");
        sets.put("jobs.cdc-dim-job.env[0].valueFrom.secretKeyRef.key", "password");
        String[][] cdcSecrets = {{"mysql-cdc", "fake-mysql-cdc", "/etc/dataloop/mysql"}, {"postgres-cdc", "fake-postgres-cdc", "/etc/dataloop/postgres"}};
        for (int i = 0; i < cdcSecrets.length; i++) {
            sets.put("jobs.cdc-dim-job.secretVolumes[" + i + "].name", cdcSecrets[i][0]);
            sets.put("jobs.cdc-dim-job.secretVolumes[" + i + "].secretName", cdcSecrets[i][1]);
            sets.put("jobs.cdc-dim-job.secretVolumes[" + i + "].mountPath", cdcSecrets[i][2]);
        }
        sets.put("monitoring.podMonitor.enabled", true);
        sets.put("monitoring.prometheusRule.enabled", true);
        sets.put("monitoring.grafanaDashboard.enabled", true);
        String manifest = Chart.template("values-prod.yaml", sets);

        Pattern credentialKey = Pattern.compile("(?i)(access[-_.]?key|secret[-_.]?key|password|passwd|sasl\\.jaas|token|credential)");
        for (JsonNode doc : Chart.documents(manifest)) {
            assertThat(doc.path("kind").asText()).isNotEqualTo("Secret");
            if (!"FlinkDeployment".equals(doc.path("kind").asText())) continue;
            JsonNode spec = doc.path("spec");
            spec.path("flinkConfiguration").fieldNames().forEachRemaining(k -> assertThat(k).doesNotContainPattern(credentialKey));
            JsonNode container = spec.path("podTemplate").path("spec").path("containers").get(0);
            for (JsonNode env : container.path("env")) {
                assertThat(env.has("value")).as("env %s has a literal value", env.path("name").asText()).isFalse();
                assertThat(env.path("valueFrom").path("secretKeyRef").path("name").asText()).startsWith("fake-");
            }
            for (JsonNode from : container.path("envFrom")) {
                assertThat(from.path("secretRef").path("name").asText()).startsWith("fake-");
            }
            List<String> args = JobArgsTest.args(doc);
            for (int i = 0; i < args.size(); i += 2) {
                String key = args.get(i);
                if (key.equals("--kafka.properties-file") || key.equals("--paimon.catalog-options-file")
                        || key.equals("--mysql.password-file") || key.equals("--postgres.password-file")
                        || key.equals("--doris.password-file")) {
                    assertThat(args.get(i + 1)).startsWith("/etc/dataloop/");
                } else {
                    assertThat(key).doesNotContainPattern(credentialKey);
                }
            }
            for (JsonNode v : spec.path("podTemplate").path("spec").path("volumes")) {
                if (v.has("secret")) assertThat(v.path("secret").path("secretName").asText()).startsWith("fake-");
            }
        }
        // the keys inside the Secrets are only ever named in secretKeyRef/items
        assertThat(manifest).doesNotContain("AKIA").doesNotContain("s3.access-key").doesNotContain("s3.secret-key");
    }

    @Test
    void literalEnvValuesAreRejected() {
        assertThatThrownBy(() -> Chart.template("values.yaml", Map.of(
                "jobs.heartbeat-job.env[0].name", "KAFKA_PASSWORD",
                "jobs.heartbeat-job.env[0].value", "hunter2")))
                .hasMessageContaining(ValuesSchemaTest.SCHEMA).hasMessageContaining("/jobs/heartbeat-job/env/0");
    }

    @Test
    void monitoringObjectsAreOptional() {
        List<String> kinds = Chart.documents(Chart.template("values.yaml")).stream().map(d -> d.path("kind").asText()).toList();
        assertThat(kinds).doesNotContain("PodMonitor", "PrometheusRule", "ConfigMap");

        String prod = Chart.template("values-prod.yaml");
        Map<String, JsonNode> byKind = new LinkedHashMap<>();
        Chart.documents(prod).forEach(d -> byKind.put(d.path("kind").asText(), d));
        assertThat(byKind).containsKeys("PodMonitor", "PrometheusRule", "ConfigMap");
        assertThat(byKind.get("PodMonitor").path("spec").path("podMetricsEndpoints").get(0).path("port").asText()).isEqualTo("metrics");
        String rules = byKind.get("PrometheusRule").toString();
        assertThat(rules).contains("DataloopJobNotRunning", "DataloopCheckpointsFailing", "DataloopCheckpointSlow",
                "DataloopBackPressure", "DataloopDeadLettersRising", "DataloopConsumerLag", "DataloopDataDelayed",
                "DataloopInputStopped", "DataloopLateRecordsRising", "job_name=\\\"heartbeat-job\\\"");
        JsonNode dashboard = byKind.get("ConfigMap").path("data").path("dataloop-flink.json");
        assertThat(dashboard.isTextual()).isTrue();
        assertThat(dashboard.asText()).contains("dataloop_reason_dead_letters", "dataloop_table_rows_out", "backPressuredTimeMsPerSecond");
    }

    @ParameterizedTest
    @ValueSource(strings = {"savepoint.path", "checkpoint.timeout", "max-parallelism", "restart.attempts", "restart.delay",
            "restart.max-delay", "restart.reset-after"})
    void reservedOptionsCannotBeSetAsJobOptions(String option) {
        assertThatThrownBy(() -> Chart.template("values.yaml", Map.of("jobs.heartbeat-job.options." + option.replace(".", "\\."), "1")))
                .hasMessageContaining("jobs.heartbeat-job.options." + option + " is set by the chart");
    }

    /** What the job gets as an argument too cannot be changed for the cluster alone: the two would disagree. */
    @ParameterizedTest
    @ValueSource(strings = {"restart-strategy.type", "restart-strategy.exponential-delay.max-backoff",
            "execution.checkpointing.timeout", "execution.checkpointing.interval", "pipeline.max-parallelism", "state.backend.type"})
    void flinkConfigurationCannotOverrideWhatTheJobGetsToo(String key) {
        String escaped = key.replace(".", "\\.");
        assertThatThrownBy(() -> Chart.template("values.yaml", Map.of("flinkConfiguration." + escaped, "1")))
                .hasMessageContaining("flinkConfiguration." + key + " is set by the chart from structured values");
        assertThatThrownBy(() -> Chart.template("values.yaml", Map.of("jobs.pose-trigger-job.flinkConfiguration." + escaped, "1")))
                .hasMessageContaining("jobs.pose-trigger-job.flinkConfiguration." + key + " is set by the chart from structured values");
        // other restart-strategy settings stay open (the job does not set them)
        JsonNode d = Chart.flinkDeployments(Chart.template("values.yaml", Map.of(
                "flinkConfiguration.restart-strategy\\.exponential-delay\\.jitter-factor", "0.2"))).get("heartbeat-job");
        assertThat(d.path("spec").path("flinkConfiguration").path("restart-strategy.exponential-delay.jitter-factor").asText()).isEqualTo("0.2");
    }
}
