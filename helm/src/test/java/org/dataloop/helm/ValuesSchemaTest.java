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

    @Test
    void theFixedDelayRestartKeysAreGone() {
        assertThatThrownBy(() -> Chart.template("values.yaml", Map.of("restartStrategy.delay", "10 s")))
                .hasMessageContaining(SCHEMA).hasMessageContaining("additional properties 'delay' not allowed");
    }

    @Test
    void restartAttemptsAreZeroOrMore() {
        assertThatThrownBy(() -> Chart.template("values.yaml", Map.of("restartStrategy.attempts", -1)))
                .hasMessageContaining(SCHEMA).hasMessageContaining("/restartStrategy/attempts");
    }

    @Test
    void maxParallelismIsAFlinkMaxParallelism() {
        assertThatThrownBy(() -> Chart.template("values.yaml", Map.of("jobs.heartbeat-job.maxParallelism", 0)))
                .hasMessageContaining(SCHEMA).hasMessageContaining("/jobs/heartbeat-job/maxParallelism");
        assertThatThrownBy(() -> Chart.template("values.yaml", Map.of("jobDefaults.maxParallelism", 32769)))
                .hasMessageContaining(SCHEMA).hasMessageContaining("/jobDefaults/maxParallelism");
    }
}
