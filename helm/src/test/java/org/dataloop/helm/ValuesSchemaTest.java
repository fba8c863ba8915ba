package org.dataloop.helm;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** values.schema.json turns a misspelt or ill-typed value into an error of helm template/install/lint. */
class ValuesSchemaTest {
    static final String SCHEMA = "values don't meet the specifications of the schema";

    @Test
    void aMisspeltJobKeyIsRejected() {
        assertThatThrownBy(() -> Chart.template("values.yaml", Map.of("jobs.heartbeat-job.checkpointIntervall", "30 s")))
                .hasMessageContaining(SCHEMA).hasMessageContaining("additional properties 'checkpointIntervall' not allowed");
    }

    @Test
    void aMisspeltTopLevelKeyIsRejected() {
        assertThatThrownBy(() -> Chart.template("values.yaml", Map.of("highAvailabilty.enabled", false)))
                .hasMessageContaining(SCHEMA).hasMessageContaining("highAvailabilty");
    }

    @Test
    void aBadEnumValueIsRejected() {
        assertThatThrownBy(() -> Chart.template("values.yaml", Map.of("jobs.heartbeat-job.upgradeMode", "savepoints")))
                .hasMessageContaining(SCHEMA).hasMessageContaining("/jobs/heartbeat-job/upgradeMode");
    }

    @Test
    void aBadDurationIsRejected() {
        assertThatThrownBy(() -> Chart.template("values.yaml", Map.of("jobs.heartbeat-job.checkpointInterval", "one minute")))
                .hasMessageContaining(SCHEMA).hasMessageContaining("/jobs/heartbeat-job/checkpointInterval");
    }
}
