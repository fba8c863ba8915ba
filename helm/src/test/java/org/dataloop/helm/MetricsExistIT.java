package org.dataloop.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.testing.Await;
import org.dataloop.common.testing.KafkaTestCluster;
import org.dataloop.common.testing.Launcher;

/**
 * Every metric the chart's alerts and dashboard query exists under that name: heartbeat-job runs as a user runs it
 * ({@code bin/dataloop run heartbeat-job --local --metrics.prometheus-port P}, Flink's own Prometheus reporter) against
 * an in-JVM Kafka, and its scrape must hold every name found in the rendered PrometheusRule and dashboard — names read
 * from the rendering, not listed here, so the test cannot agree with itself.
 */
class MetricsExistIT {
    @RegisterExtension
    static final KafkaTestCluster KAFKA = new KafkaTestCluster();

    private static final Pattern METRIC = Pattern.compile("\\bflink_[A-Za-z0-9_]+");

    @TempDir
    Path tmp;

    private static final Pattern SELECTOR = Pattern.compile("\\b(flink_[A-Za-z0-9_]+)\\{([^}]*)}");
    private static final Pattern EXACT = Pattern.compile("([a-z_]+)=\"([^\"]*)\"");

    /** The metric names the rendered alerts and dashboard (values-prod.yaml: monitoring on) query. */
    static Set<String> referencedMetrics() {
        Set<String> names = new TreeSet<>();
        for (JsonNode d : Chart.documents(Chart.template("values-prod.yaml"))) {
            String kind = d.path("kind").asText();
            if (kind.equals("PrometheusRule")) {
                for (JsonNode group : d.path("spec").path("groups")) {
                    for (JsonNode rule : group.path("rules")) names.addAll(metrics(rule.path("expr").asText()));
                }
            } else if (kind.equals("ConfigMap")) {
                d.path("data").forEach(v -> names.addAll(metrics(v.asText())));
            }
        }
        return names;
    }

    /**
     * The series heartbeat-job's alerts select, as {@code metric{label="value"}} with the exact-match labels the job
     * itself exports (namespace and pod are Prometheus's target labels, not the reporter's).
     */
    static Set<String> heartbeatSelectors() {
        Set<String> selectors = new TreeSet<>();
        for (JsonNode d : Chart.documents(Chart.template("values-prod.yaml"))) {
            if (!d.path("kind").asText().equals("PrometheusRule")) continue;
            for (JsonNode group : d.path("spec").path("groups")) {
                if (!group.path("name").asText().equals("dataloop-heartbeat-job")) continue;
                for (JsonNode rule : group.path("rules")) {
                    Matcher m = SELECTOR.matcher(rule.path("expr").asText());
                    while (m.find()) {
                        Matcher label = EXACT.matcher(m.group(2));
                        while (label.find()) {
                            if (!label.group(1).equals("namespace")) selectors.add(m.group(1) + "{" + label.group(1) + "=\"" + label.group(2) + "\"");
                        }
                    }
                }
            }
        }
        return selectors;
    }

    /** Each sample line of a scrape as {@code metric{label="value"} } for every label it carries. */
    private static Set<String> exportedSelectors(String scrape) {
        Set<String> out = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            int brace = line.indexOf('{');
            if (line.startsWith("#") || brace < 0) continue;
            Matcher label = EXACT.matcher(line.substring(brace, line.lastIndexOf('}') + 1));
            while (label.find()) out.add(line.substring(0, brace) + "{" + label.group(1) + "=\"" + label.group(2) + "\"");
        }
        return out;
    }

    private static List<String> metrics(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) out.add(m.group());
        return out;
    }

    private static String heartbeat(String car, long ts) {
        return "{\"car_id\":\"" + car + "\",\"ts_second\":" + ts + ",\"driving_mode\":\"Auto\",\"speed\":10.0,\"city\":\"Shanghai\","
                + "\"area\":\"Pudong\",\"route_id\":\"r1\"}";
    }

    @Test
    void everyMetricTheAlertsAndTheDashboardQueryIsExportedUnderThatNameWithTheLabelsTheySelect() throws Exception {
        Set<String> referenced = referencedMetrics();
        Set<String> selected = heartbeatSelectors();
        assertThat(referenced).as("names found in the rendered rules and dashboard").hasSizeGreaterThan(10);
        assertThat(selected).as("series heartbeat-job's alerts select").contains("flink_jobmanager_job_uptime{job_name=\"heartbeat-job\"");

        KAFKA.createTopic("heartbeat", 1);
        KAFKA.createTopic("dlq", 1);
        long now = System.currentTimeMillis() / 1000;
        // valid ones, a duplicate and a malformed one: each counter the alerts use gets a series
        KAFKA.produceAll("heartbeat", List.of(heartbeat("car-1", now - 2), heartbeat("car-1", now - 1), heartbeat("car-1", now - 1), "not json"));
        // a port found free can be taken before the reporter or the web UI binds it: then others
        for (int attempt = 1; ; attempt++) {
            int port;
            int webUi;
            try (ServerSocket s = new ServerSocket(0); ServerSocket w = new ServerSocket(0)) {
                port = s.getLocalPort();
                webUi = w.getLocalPort();
            }
            Path log = tmp.resolve("job-" + attempt + ".log");
            Process job = Launcher.start(log, Map.of(), "run", "heartbeat-job", "--local",
                    "--kafka.bootstrap-servers", KAFKA.bootstrapServers(), "--kafka.starting-offsets", "earliest",
                    "--checkpoint.interval", "1 s", "--state.backend", "hashmap", "--metrics.prometheus-port", String.valueOf(port),
                    "--web-ui", String.valueOf(webUi));
            try {
                HttpClient http = HttpClient.newHttpClient();
                HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).timeout(Duration.ofSeconds(5)).build();
                Set<String> missing = Await.until(Duration.ofMinutes(2), () -> {
                    if (!job.isAlive() && Files.readString(log).contains("Address already in use")) return Set.of("port " + port + " taken");
                    assertThat(job.isAlive()).as("the job's process (log: " + log + ")").isTrue();
                    String text;
                    try {
                        text = http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
                    } catch (java.io.IOException notYet) {
                        if (Files.readString(log).contains("Could not start PrometheusReporter")) return Set.of("port " + port + " taken");
                        Await.seen("no reporter yet: " + notYet);
                        return null;
                    }
                    Set<String> absent = new TreeSet<>(referenced);
                    absent.removeAll(metrics(text));
                    Set<String> unselected = new TreeSet<>(selected);
                    unselected.removeAll(exportedSelectors(text));
                    absent.addAll(unselected);
                    Await.seen("not exported: " + absent);
                    return absent.isEmpty() ? absent : null;
                });
                if (missing.equals(Set.of("port " + port + " taken")) && attempt < 3) continue;
                assertThat(missing).isEmpty();
                // and the web UI of the same local run (--web-ui): Flink's dashboard
                HttpResponse<String> ui = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + webUi + "/")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(ui.statusCode()).isEqualTo(200);
                assertThat(ui.body()).contains("Apache Flink Web Dashboard");
                return;
            } finally {
                job.destroy();
                job.waitFor();
            }
        }
    }
}
