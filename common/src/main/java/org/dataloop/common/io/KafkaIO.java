package org.dataloop.common.io;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

import org.dataloop.common.config.CommonOptions;
import org.dataloop.common.config.JobOptions;
import org.dataloop.common.config.OptionsException;
import org.dataloop.common.parse.Parsed;
import org.dataloop.common.parse.RecordParser;

/** The Kafka source (parsing in the deserializer, with Kafka coordinates on dead letters) and the exactly-once JSON sink. */
public final class KafkaIO {
    private KafkaIO() {}

    public static String bootstrapServers(JobOptions options) {
        return options.getOptional(CommonOptions.KAFKA_BOOTSTRAP)
                .orElseThrow(() -> new OptionsException("--kafka.bootstrap-servers is required to read or write Kafka"));
    }

    /** The config provider the Kafka clients resolve secret references with, where they connect. */
    static final String SECRETS_PROVIDER = "dataloopsecrets";

    /**
     * Client properties from {@code kafka.properties-file}: security settings never pass through the command line.
     * A secret among them (a JAAS config, a password, a key) is replaced by a reference to itself in that file, which
     * Kafka's {@code FileConfigProvider} resolves when a client is made — on the task managers, where the Secret is
     * mounted at the same path — so the serialized job graph never holds it.
     */
    public static Properties clientProperties(JobOptions options) {
        Properties props = new Properties();
        options.getOptional(CommonOptions.KAFKA_PROPERTIES_FILE).ifPresent(file -> {
            try (Reader r = Files.newBufferedReader(Path.of(file))) {
                props.load(r);
            } catch (IOException e) {
                throw new OptionsException("--kafka.properties-file: cannot read " + file + ": " + e.getMessage());
            }
            boolean referenced = false;
            for (String key : props.stringPropertyNames()) {
                if (isSecret(key)) {
                    props.setProperty(key, "${" + SECRETS_PROVIDER + ":" + Path.of(file).toAbsolutePath() + ":" + key + "}");
                    referenced = true;
                }
            }
            if (referenced) {
                String providers = props.getProperty("config.providers", "");
                props.setProperty("config.providers", providers.isBlank() ? SECRETS_PROVIDER : providers + "," + SECRETS_PROVIDER);
                props.setProperty("config.providers." + SECRETS_PROVIDER + ".class", "org.apache.kafka.common.config.provider.FileConfigProvider");
            }
        });
        return props;
    }

    private static boolean isSecret(String key) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        return k.equals("sasl.jaas.config") || k.contains("password") || k.contains("secret") || k.equals("ssl.keystore.key");
    }

    public static <E> KafkaSource<Parsed<E>> source(JobOptions options, String topic, RecordParser<E> parser) {
        OffsetsInitializer start = switch (options.get(CommonOptions.KAFKA_STARTING_OFFSETS)) {
            case committed -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case earliest -> OffsetsInitializer.earliest();
            case latest -> OffsetsInitializer.latest();
        };
        return KafkaSource.<Parsed<E>>builder()
                .setBootstrapServers(bootstrapServers(options))
                .setTopics(topic)
                .setGroupId(options.getOptional(CommonOptions.KAFKA_GROUP_ID).orElse(options.job()))
                .setStartingOffsets(start)
                .setProperties(clientProperties(options))
                .setProperty("isolation.level", "read_committed")
                .setDeserializer(new ParsingDeserializer<>(options.job(), parser))
                .build();
    }

    /** Exactly-once JSON sink for a KAFKA table; messages are keyed by {@code keyColumn} (null for no key). */
    public static <T> KafkaSink<T> sink(JobOptions options, TableDef<T> def, String topic, String keyColumn) {
        return sink(options, def, topic, keyColumn, DeliveryGuarantee.EXACTLY_ONCE);
    }

    /** JSON sink for a KAFKA table with the given guarantee (exactly once: transactions committed at checkpoints). */
    public static <T> KafkaSink<T> sink(JobOptions options, TableDef<T> def, String topic, String keyColumn,
            DeliveryGuarantee guarantee) {
        Properties props = clientProperties(options);
        props.setProperty("transaction.timeout.ms",
                String.valueOf(options.get(CommonOptions.KAFKA_TRANSACTION_TIMEOUT).toMillis()));
        return KafkaSink.<T>builder()
                .setBootstrapServers(bootstrapServers(options))
                .setKafkaProducerConfig(props)
                .setDeliveryGuarantee(guarantee)
                // unique per job and topic, stable across restarts, so transactions are fenced and resumed
                .setTransactionalIdPrefix(options.job() + "-" + topic)
                .setRecordSerializer(new JsonRowSerializer<>(def, topic, keyColumn))
                .build();
    }

    private static final class ParsingDeserializer<E> implements KafkaRecordDeserializationSchema<Parsed<E>> {
        private static final long serialVersionUID = 1L;
        private final String job;
        private final RecordParser<E> parser;

        ParsingDeserializer(String job, RecordParser<E> parser) {
            this.job = job;
            this.parser = parser;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Parsed<E>> out) {
            Parsed<E> parsed = parser.parse(job, record.value());
            if (parsed.deadLetter != null) {
                parsed.deadLetter.topic = record.topic();
                parsed.deadLetter.partition = record.partition();
                parsed.deadLetter.offset = record.offset();
            }
            out.collect(parsed);
        }

        @Override
        public TypeInformation<Parsed<E>> getProducedType() {
            return parser.parsedType();
        }
    }

    private static final class JsonRowSerializer<T> implements KafkaRecordSerializationSchema<T> {
        private static final long serialVersionUID = 1L;
        private final TableDef<T> def;
        private final String topic;
        private final String keyColumn;

        JsonRowSerializer(TableDef<T> def, String topic, String keyColumn) {
            this.def = def;
            this.topic = topic;
            this.keyColumn = keyColumn;
            if (keyColumn != null) def.column(keyColumn);
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(T row, KafkaSinkContext context, Long timestamp) {
            byte[] key = null;
            if (keyColumn != null) {
                Object k = def.column(keyColumn).getter().get(row);
                key = k == null ? null : k.toString().getBytes(StandardCharsets.UTF_8);
            }
            // the producer's clock, not the event time: a days-old late record must not age out of the topic at once
            return new ProducerRecord<>(topic, null, null, key, RowJson.toJson(def, row, false));
        }
    }
}
