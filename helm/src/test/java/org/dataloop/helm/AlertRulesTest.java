package org.dataloop.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * The rendered alert rules, checked by Prometheus's own promtool: they load, and each alert fires on a bad series and
 * stays quiet on a good one ({@code src/test/promtool/alerts-test.yml}, run against heartbeat-job's rendered group).
 */
class AlertRulesTest {
    private static final Path WORK = Path.of("target", "promtool");

    private static JsonNode rule(String valuesFile, Map<String, Object> sets) {
        return Chart.documents(Chart.template(valuesFile, sets)).stream()
                .filter(d -> d.path("kind").asText().equals("PrometheusRule")).findFirst().orElseThrow();
    }

    private static Path writeRules(JsonNode spec, String file) throws Exception {
        Files.createDirectories(WORK);
        return Files.writeString(WORK.resolve(file), Chart.YAML.writeValueAsString(spec));
    }

    private static JsonNode group(JsonNode rule, String name) {
        for (JsonNode g : rule.path("spec").path("groups")) if (g.path("name").asText().equals(name)) return g;
        return null;
    }

    @Test
    void promtoolAcceptsTheRenderedRulesOfEveryEnvironment() throws Exception {
        for (String values : List.of("values-dev.yaml", "values-prod.yaml")) {
            Map<String, Object> on = Map.of("monitoring.prometheusRule.enabled", true);
            Path file = writeRules(rule(values, on).path("spec"), "rules-" + values);
            Promtool.Result check = Promtool.run(WORK, "check", "rules", file.getFileName().toString());
            assertThat(check.exitCode()).as(values + ": " + check.output()).isZero();
        }
    }

    @Test
    void everyAlertFiresOnABadSeriesAndStaysQuietOnAGoodOne() throws Exception {
        JsonNode heartbeat = group(rule("values-prod.yaml", Map.of()), "dataloop-heartbeat-job");
        assertThat(heartbeat).isNotNull();
        ObjectNode spec = Chart.YAML.createObjectNode();
        spec.putArray("groups").add(heartbeat);
        writeRules(spec, "rules.yml");
        Path tests = Files.copy(Path.of("src", "test", "promtool", "alerts-test.yml"), WORK.resolve("alerts-test.yml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        // an alert without a test that makes it fire fails here, before promtool
        Set<String> alerts = new TreeSet<>();
        heartbeat.path("rules").forEach(r -> alerts.add(r.path("alert").asText()));
        Set<String> firing = new TreeSet<>();
        for (JsonNode t : Chart.YAML.readTree(tests.toFile()).path("tests")) {
            for (JsonNode a : t.path("alert_rule_test")) if (a.path("exp_alerts").size() > 0) firing.add(a.path("alertname").asText());
        }
        assertThat(firing).as("alerts with a test that fires them").containsAll(alerts);

        Promtool.Result result = Promtool.run(WORK, "test", "rules", "alerts-test.yml");
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void aSuspendedJobHasNoAlertsAndEachAlertNamesThisReleasesDeploymentInItsNamespace() {
        JsonNode rule = rule("values-prod.yaml", Map.of("namePrefix", "team-a-", "jobs.pose-trigger-job.state", "suspended"));
        List<String> groups = new ArrayList<>();
        rule.path("spec").path("groups").forEach(g -> groups.add(g.path("name").asText()));
        assertThat(groups).contains("dataloop-team-a-heartbeat-job").doesNotContain("dataloop-team-a-pose-trigger-job");
        for (JsonNode r : group(rule, "dataloop-team-a-heartbeat-job").path("rules")) {
            String alert = r.path("alert").asText();
            assertThat(r.path("labels").path("flinkdeployment").asText()).as(alert).isEqualTo("team-a-heartbeat-job");
            assertThat(r.path("labels").path("namespace").asText()).as(alert).isEqualTo(Chart.NAMESPACE);
            assertThat(r.path("expr").asText()).as(alert)
                    .contains("namespace=\"" + Chart.NAMESPACE + "\",job_name=\"heartbeat-job\",pod=~\"team-a-heartbeat-job-.*\"");
            assertThat(r.path("annotations").path("runbook_url").asText()).as(alert).endsWith("docs/runbook.md#" + alert.toLowerCase());
            assertThat(r.path("annotations").path("description").asText()).as(alert).contains("team-a-heartbeat-job");
        }
    }
}
