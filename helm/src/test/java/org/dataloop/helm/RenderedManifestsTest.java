package org.dataloop.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Writes what each environment renders to target/rendered/ for review (helm template -f values-<env>.yaml). */
class RenderedManifestsTest {
    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-dev.yaml", "values-prod.yaml"})
    void rendersEachEnvironment(String valuesFile) throws Exception {
        String manifest = Chart.template(valuesFile);
        Path out = Path.of("target", "rendered", valuesFile);
        Files.createDirectories(out.getParent());
        Files.writeString(out, manifest);
        assertThat(Chart.documents(manifest)).isNotEmpty();
    }
}
