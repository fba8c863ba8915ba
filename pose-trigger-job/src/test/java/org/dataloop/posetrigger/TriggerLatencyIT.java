package org.dataloop.posetrigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.core.type.TypeReference;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.parse.JsonParsers;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.testing.KafkaTestCluster;

/**
 * Measures trigger latency per delivery mode (a figure for the docs, not part of CI: run with
 * {@code -Ddataloop.latency=true -Dtest=TriggerLatencyIT}). One car sends 10 Hz pose in real time (event
 * time = wall clock) with a 500 ms hard brake every 5 s; latency = when a read_committed consumer sees the
 * trigger − the trigger's end_ts.
 */
@EnabledIfSystemProperty(named = "dataloop.latency", matches = "true")
class TriggerLatencyIT {
    @RegisterExtension
    static final KafkaTestCluster KAFKA = new KafkaTestCluster();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final String CHECKPOINT_INTERVAL = System.getProperty("dataloop.latency.checkpoint", "10 s");
    private static final int SECONDS = Integer.getInteger("dataloop.latency.seconds", 40);

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"at_least_once", "exactly_once"})
    void measure(String delivery) throws Exception {
        String topic = "pose-" + delivery.replace('_', '-');
        String triggers = "triggers-" + delivery.replace('_', '-');
        KAFKA.createTopic(topic, 1);
        KAFKA.createTopic(triggers, 1);
        JobOptions options = JobRunner.parse(new PoseTriggerJob(), new String[] {
                "--kafka.bootstrap-servers", KAFKA.bootstrapServers(), "--topic.pose", topic,
                "--table.trigger_hard_brake", triggers, "--table.dlq", "dlq-" + delivery,
                "--kafka.starting-offsets", "earliest", "--trigger.delivery", delivery,
                "--checkpoint.interval", CHECKPOINT_INTERVAL, "--checkpoint.dir", tmp.resolve("cp").toUri().toString(),
                "--paimon.warehouse", tmp.resolve("warehouse").toUri().toString(), "--parallelism", "1"});
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new PoseTriggerJob(), options);
        JobClient job = JobRunner.executeAsync(env, options, "latency " + delivery);

        List<Long> latencies = new ArrayList<>();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            TopicPartition tp = new TopicPartition(triggers, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            Thread.sleep(3_000); // let the job start
            long start = System.currentTimeMillis() / 100 * 100;
            long end = start + SECONDS * 1000L;
            long next = start;
            while (System.currentTimeMillis() < end + 15_000) {
                long now = System.currentTimeMillis();
                while (next <= now && next < end) {
                    long phase = (next - start) % 5_000;
                    double accel = phase >= 2_000 && phase <= 2_500 ? -6 : 0;
                    KAFKA.produce(topic, "car-1", PoseTestData.json("car-1", next, 60, accel));
                    next += 100;
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(20))) {
                    Map<String, Object> t = JsonParsers.MAPPER.readValue(r.value(), new TypeReference<Map<String, Object>>() {});
                    latencies.add(System.currentTimeMillis() - ((Number) t.get("end_ts")).longValue());
                }
            }
        } finally {
            job.cancel().get();
        }
        latencies.sort(null);
        System.out.printf("LATENCY %s (checkpoint every %s): %d triggers, trigger end -> visible: min %d ms, median %d ms, max %d ms%n",
                delivery, CHECKPOINT_INTERVAL, latencies.size(), latencies.get(0), latencies.get(latencies.size() / 2),
                latencies.get(latencies.size() - 1));
        assertThat(latencies).isNotEmpty();
    }
}
