package org.dataloop.common.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A one-node KRaft Kafka broker inside the JVM (combined broker + controller).
 *
 * <p>In a test: {@code @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();}.
 * Standalone (a benchmark main): {@code try (KafkaTestCluster k = new KafkaTestCluster()) { k.start(); ... }}.
 */
public final class KafkaTestCluster implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    /** How long {@link #readAll} waits for a further record once it has caught up with the topic's end. */
    private static final Duration QUIET_PERIOD = Duration.ofMillis(500);

    private KafkaClusterTestKit cluster;
    private KafkaProducer<String, byte[]> producer;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    /** Starts the broker (~2-3 s); a no-op when it already runs. */
    public synchronized void start() throws Exception {
        if (cluster != null) return;
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                // the testkit defaults to the newest *testing* metadata version; behave like a released broker
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                .build();
        KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(nodes)
                // one broker: internal topics must not ask for more replicas than exist
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("min.insync.replicas", "1")
                // fewer internal partitions: the first group/transaction starts faster
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.num.partitions", "1")
                // consumer groups form at once instead of after the default 3 s
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                // Flink's KafkaSink EXACTLY_ONCE needs transaction.timeout.ms <= this (15 min)
                .setConfigProp("transaction.max.timeout.ms", String.valueOf(Duration.ofMinutes(15).toMillis()))
                .build();
        try {
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
        } catch (Exception e) {
            kit.close();
            throw e;
        }
        cluster = kit;
    }

    @Override
    public synchronized void close() throws Exception {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    public String bootstrapServers() {
        if (cluster == null) throw new IllegalStateException("Kafka test cluster is not started");
        return cluster.bootstrapServers();
    }

    public void createTopic(String name, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topic " + name, e.getCause());
        }
    }

    /** Sends one record and waits for the broker's acknowledgement. */
    public void produce(String topic, String key, String value) {
        try {
            producer().send(new ProducerRecord<>(topic, key, bytes(value))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot produce to " + topic, e.getCause());
        }
    }

    /** Sends the values (without keys) in order and waits for all acknowledgements. */
    public void produceAll(String topic, List<String> values) {
        produceBytes(topic, values.stream().map(KafkaTestCluster::bytes).toList());
    }

    /** Sends the values (without keys) in order as they are, e.g. bytes that are not valid UTF-8, and waits for all acknowledgements. */
    public void produceBytes(String topic, List<byte[]> values) {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (byte[] v : values) acks.add(producer().send(new ProducerRecord<>(topic, null, v)));
        try {
            for (Future<RecordMetadata> ack : acks) ack.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot produce to " + topic, e.getCause());
        }
    }

    /** The values of every record of the topic, from the beginning; see {@link #readRecords}. */
    public List<String> readAll(String topic, boolean readCommitted, Duration timeout) {
        List<String> values = new ArrayList<>();
        for (ConsumerRecord<String, String> r : readRecords(topic, readCommitted, timeout)) values.add(r.value());
        return values;
    }

    /**
     * Every record of the topic from the beginning (partition by partition in poll order). Stops once the
     * consumer has reached the topic's end and no further record came for a short while, or at the timeout.
     * With {@code readCommitted} only committed transactional records are returned.
     */
    public List<ConsumerRecord<String, String>> readRecords(String topic, boolean readCommitted, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        // assign() without a group: no group coordination, no committed offsets to interfere between reads
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, timeout).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            long lastRecordAt = System.nanoTime();
            while (System.nanoTime() < deadline) {
                ConsumerRecords<String, String> batch = consumer.poll(Duration.ofMillis(100));
                if (!batch.isEmpty()) {
                    batch.forEach(out::add);
                    lastRecordAt = System.nanoTime();
                } else if (System.nanoTime() - lastRecordAt >= QUIET_PERIOD.toNanos() && caughtUp(consumer, partitions)) {
                    break;
                }
            }
        }
        return out;
    }

    /** True when the consumer's position is at the end (the last stable offset when reading committed). */
    private static boolean caughtUp(KafkaConsumer<String, String> consumer, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp) < ends.get(tp)) return false;
        }
        return true;
    }

    private static byte[] bytes(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            producer = new KafkaProducer<>(props);
        }
        return producer;
    }
}
