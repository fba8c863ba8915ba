package org.dataloop.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new chart version alone must not redeploy the jobs: the operator compares each FlinkDeployment's spec (pod template
 * included) and upgrades a job from a savepoint on any difference.
 */
class ChartUpgradeTest {
    @TempDir
    Path tmp;

    private static Map<String, JsonNode> specs(String manifest) {
        Map<String, JsonNode> specs = new TreeMap<>();
        for (JsonNode d : Chart.documents(manifest)) {
            if (d.path("kind").asText().equals("FlinkDeployment")) specs.put(d.path("metadata").path("name").asText(), d.path("spec"));
        }
        return specs;
    }

    @Test
    void twoReleasesInOneNamespaceGetTheirOwnServiceAccountRbacAndRules() {
        Map<String, String> blue = names(Chart.template(Chart.DIR, "blue", "values-prod.yaml", Map.of("namePrefix", "blue-")));
        Map<String, String> green = names(Chart.template(Chart.DIR, "green", "values-prod.yaml", Map.of("namePrefix", "green-")));
        assertThat(blue).containsEntry("ServiceAccount", "blue-flink").containsEntry("Role", "blue-flink")
                .containsEntry("RoleBinding", "blue-flink").containsEntry("FlinkDeployment.serviceAccount", "blue-flink");
        for (String kind : List.of("ServiceAccount", "Role", "RoleBinding", "PrometheusRule", "FlinkDeployment")) {
            assertThat(blue.get(kind)).as(kind).isNotNull().isNotEqualTo(green.get(kind));
        }
    }

    /** The first object's name of each kind, and the first FlinkDeployment's service account. */
    private static Map<String, String> names(String manifest) {
        Map<String, String> names = new TreeMap<>();
        for (JsonNode d : Chart.documents(manifest)) {
            names.putIfAbsent(d.path("kind").asText(), d.path("metadata").path("name").asText());
            if (d.path("kind").asText().equals("FlinkDeployment")) {
                names.putIfAbsent("FlinkDeployment.serviceAccount", d.path("spec").path("serviceAccount").asText());
            }
        }
        return names;
    }

    @Test
    void anotherChartVersionRendersTheSameFlinkDeploymentSpecs() throws Exception {
        Path next = tmp.resolve("dataloop");
        try (Stream<Path> files = Files.walk(Chart.DIR)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path to = next.resolve(Chart.DIR.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(to);
                else Files.copy(f, to);
            }
        }
        Path chartYaml = next.resolve("Chart.yaml");
        String bumped = Files.readString(chartYaml).replaceFirst("(?m)^version: .*$", "version: 9.9.9");
        assertThat(bumped).contains("version: 9.9.9");
        Files.writeString(chartYaml, bumped);

        for (String values : Chart.ENVIRONMENTS) {
            String now = Chart.template(Chart.DIR, values, Map.of());
            String later = Chart.template(next, values, Map.of());
            assertThat(later).as("the version is rendered somewhere (metadata labels)").contains("dataloop-9.9.9");
            assertThat(specs(later)).as(values).isNotEmpty().isEqualTo(specs(now));
        }
    }
}
