package org.dataloop.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every rendered FlinkDeployment against the operator's own CRD schema, strictly. */
class FlinkDeploymentSchemaTest {

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-dev.yaml", "values-prod.yaml"})
    void everyRenderedDeploymentMatchesTheCrd(String valuesFile) {
        Map<String, JsonNode> deployments = Chart.flinkDeployments(Chart.template(valuesFile));
        assertThat(deployments).isNotEmpty();
        deployments.forEach((name, d) -> assertThat(CrdSchema.validate(d)).as("%s with %s", name, valuesFile).isEmpty());
    }

    @Test
    void everyJobEnabledWithEveryOptionalValueMatchesTheCrd() {
        Map<String, Object> sets = new java.util.LinkedHashMap<>();
        for (String job : RenderedChartTest.ALL_JOBS) sets.put("jobs." + job + ".enabled", true);
        sets.put("jobs.heartbeat-job.initialSavepointPath", "s3://dataloop-flink/savepoints/heartbeat-job/savepoint-1");
        sets.put("jobs.heartbeat-job.savepointRedeployNonce", 3);
        sets.put("jobs.heartbeat-job.restartNonce", 2);
        sets.put("jobs.heartbeat-job.state", "suspended");
        sets.put("jobs.cdc-dim-job.secretVolumes[0].name", "mysql");
        sets.put("jobs.cdc-dim-job.secretVolumes[0].secretName", "dataloop-mysql");
        sets.put("jobs.cdc-dim-job.secretVolumes[0].mountPath", "/etc/dataloop/mysql");
        sets.put("jobs.lake-to-doris-job.envFromSecrets[0]", "dataloop-doris");
        sets.put("imagePullSecrets[0]", "registry");
        sets.put("savepoints.periodicInterval", "6 h");
        Map<String, JsonNode> deployments = Chart.flinkDeployments(Chart.template("values-prod.yaml", sets));
        assertThat(deployments).hasSize(5);
        deployments.forEach((name, d) -> assertThat(CrdSchema.validate(d)).as(name).isEmpty());
    }

    @Test
    void aMisspeltSpecFieldFails() {
        JsonNode good = Chart.flinkDeployments(Chart.template("values.yaml")).get("heartbeat-job");
        assertThat(CrdSchema.validate(good)).isEmpty();

        ObjectNode jobTypo = good.deepCopy();
        ObjectNode job = (ObjectNode) jobTypo.path("spec").path("job");
        job.set("upgradeMod", job.remove("upgradeMode"));
        assertThat(messages(CrdSchema.validate(jobTypo))).contains("upgradeMod");

        ObjectNode resourceTypo = good.deepCopy();
        ((ObjectNode) resourceTypo.path("spec").path("taskManager").path("resource")).put("memroy", "4096m");
        assertThat(messages(CrdSchema.validate(resourceTypo))).contains("memroy");

        ObjectNode podTypo = good.deepCopy();
        ((ObjectNode) podTypo.path("spec").path("podTemplate").path("spec").path("containers").get(0)).putArray("volumeMount");
        assertThat(messages(CrdSchema.validate(podTypo))).contains("volumeMount");

        ObjectNode badEnum = good.deepCopy();
        ((ObjectNode) badEnum.path("spec").path("job")).put("upgradeMode", "savepoints");
        assertThat(CrdSchema.validate(badEnum)).isNotEmpty();
    }

    private static String messages(Set<ValidationMessage> m) {
        assertThat(m).isNotEmpty();
        return m.toString();
    }
}
