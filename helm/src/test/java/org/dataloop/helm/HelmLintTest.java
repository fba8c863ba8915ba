package org.dataloop.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code helm lint --strict} with each values file. */
class HelmLintTest {
    @TempDir
    Path work;

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-dev.yaml", "values-prod.yaml"})
    void lintsStrictly(String valuesFile) {
        LintResult result = Chart.lintStrict(valuesFile, work);
        assertThat(result.isFailed()).as("helm lint --strict -f %s: %s", valuesFile, result.getMessages()).isFalse();
    }

    /** The harness is not a no-op: a misspelt key in an overlay fails lint through values.schema.json. */
    @Test
    void aValuesTypoFailsLint() throws Exception {
        Path overlay = Files.writeString(work.resolve("values-typo.yaml"), "jobs:\n  heartbeat-job:\n    paralelism: 4\n");
        LintResult result = Chart.lintStrict(overlay, work);
        assertThat(result.isFailed()).isTrue();
        assertThat(String.join("\n", result.getMessages())).contains("paralelism");
    }
}
