package org.dataloop.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
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
    void everyMetricTheAlertsAndTheDashboardQueryIsExportedUnderThatName() throws Exception {
        Set<String> referenced = referencedMetrics();
        assertThat(referenced).as("names found in the rendered rules and dashboard").hasSizeGreaterThan(10);

        KAFKA.createTopic("heartbeat", 1);
        KAFKA.createTopic("dlq", 1);
        long now = System.currentTimeMillis() / 1000;
        // valid ones, a duplicate and a malformed one: each counter the alerts use gets a series
        KAFKA.produceAll("heartbeat", List.of(heartbeat("car-1", now - 2), heartbeat("car-1", now - 1), heartbeat("car-1", now - 1), "not json"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process job = Launcher.start(tmp.resolve("job.log"), Map.of(), "run", "heartbeat-job", "--local",
                "--kafka.bootstrap-servers", KAFKA.bootstrapServers(), "--kafka.starting-offsets", "earliest",
                "--checkpoint.interval", "1 s", "--state.backend", "hashmap", "--metrics.prometheus-port", String.valueOf(port));
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).timeout(Duration.ofSeconds(5)).build();
            Set<String> missing = Await.until(Duration.ofMinutes(2), () -> {
                assertThat(job.isAlive()).as("the job's process (log: " + tmp.resolve("job.log") + ")").isTrue();
                String text;
                try {
                    text = http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
                } catch (java.io.IOException notYet) {
                    Await.seen("no reporter yet: " + notYet);
                    return null;
                }
                Set<String> exported = new TreeSet<>(metrics(text));
                Set<String> absent = new TreeSet<>(referenced);
                absent.removeAll(exported);
                Await.seen("not exported: " + absent + "; dataloop metrics exported: "
                        + exported.stream().filter(n -> n.contains("dataloop")).toList());
                return absent.isEmpty() ? absent : null;
            });
            assertThat(missing).isEmpty();
        } finally {
            job.destroy();
            job.waitFor();
        }
    }
}
