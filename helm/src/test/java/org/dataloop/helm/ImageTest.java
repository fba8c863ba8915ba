package org.dataloop.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The image holds what the chart points at: each job's jar where its jarURI says, and nothing on every job's classpath. */
class ImageTest {
    @Test
    void everyJobsJarIsCopiedByNameToWhereItsJarUriPointsAndNoneToUsrlib() throws Exception {
        String dockerfile = Files.readString(Chart.DIR.resolveSibling("Dockerfile"));
        String copy = dockerfile.substring(dockerfile.indexOf("\nCOPY "));
        copy = copy.substring(0, copy.indexOf("\n\n")).replace("\\\n", " ");
        assertThat(copy).as("no wildcard: without BuildKit it would take the shade plugin's original-*.jar too").doesNotContain("*");
        assertThat(dockerfile.lines().filter(l -> !l.startsWith("#"))).as("instructions").noneMatch(l -> l.contains("usrlib"));
        List<String> words = List.of(copy.trim().split("\\s+"));
        assertThat(words.get(words.size() - 1)).isEqualTo("/opt/flink/jobs/");
        int jobs = 0;
        for (JsonNode d : Chart.documents(Chart.template("values.yaml", Map.of("jobs.cdc-dim-job.enabled", true, "jobs.lake-to-doris-job.enabled", true)))) {
            if (!d.path("kind").asText().equals("FlinkDeployment")) continue;
            String jarUri = d.path("spec").path("job").path("jarURI").asText();
            assertThat(jarUri).startsWith("local:///opt/flink/jobs/");
            String jar = jarUri.substring("local:///opt/flink/jobs/".length());
            String module = jar.replace(".jar", "");
            assertThat(words).as(jarUri).contains(module + "/target/" + jar);
            assertThat(Path.of("..", module, "pom.xml")).as("the module that builds " + jar).exists();
            jobs++;
        }
        assertThat(jobs).as("every job of the chart").isEqualTo(5);
    }
}
