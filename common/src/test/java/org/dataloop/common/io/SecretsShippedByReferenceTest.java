package org.dataloop.common.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.config.CommonOptions;
import org.dataloop.common.config.JobOptions;
import org.dataloop.common.config.OptionsException;

/** Kafka and lake credentials stay in their mounted files: what the job graph carries is a reference, or nothing. */
class SecretsShippedByReferenceTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"loop\" password=\"pw-8d1c-marker\";";

    @TempDir
    Path tmp;

    private static JobOptions parse(String... args) {
        return JobOptions.parse("test-job", args, CommonOptions.all(), List.of("heartbeat"));
    }

    @Test
    void kafkaSecretsAreReferencesThatKafkaItselfResolvesWhereTheClientIsMade() throws Exception {
        Path file = tmp.resolve("client.properties");
        Properties written = new Properties();
        written.setProperty("security.protocol", "SASL_SSL");
        written.setProperty("sasl.mechanism", "SCRAM-SHA-512");
        written.setProperty("sasl.jaas.config", JAAS);
        written.setProperty("ssl.truststore.password", "ts-3e7a-marker");
        try (var out = Files.newBufferedWriter(file)) {
            written.store(out, null);
        }

        Properties shipped = KafkaIO.clientProperties(parse("--kafka.properties-file", file.toString()));
        assertThat(shipped.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        for (String key : shipped.stringPropertyNames()) {
            assertThat(shipped.getProperty(key)).as(key).doesNotContain("marker");
        }

        // Kafka's own client config resolves the references from the mounted file
        Map<String, Object> producer = new HashMap<>();
        shipped.forEach((k, v) -> producer.put((String) k, v));
        producer.put("bootstrap.servers", "localhost:9092");
        producer.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        producer.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        Map<String, Object> resolved = new ProducerConfig(producer).originals();
        assertThat(resolved.get("sasl.jaas.config")).isEqualTo(JAAS);
        assertThat(resolved.get("ssl.truststore.password")).isEqualTo("ts-3e7a-marker");
    }

    @Test
    void aPropertiesFileWithoutSecretsIsPassedAsItIs() throws Exception {
        Path file = Files.writeString(tmp.resolve("client.properties"), "request.timeout.ms=5000\n");
        Properties shipped = KafkaIO.clientProperties(parse("--kafka.properties-file", file.toString()));
        assertThat(shipped).containsOnlyKeys("request.timeout.ms");
    }

    @Test
    void lakeCredentialsAndFileSystemSettingsInTheCatalogOptionsAreRefusedWithTheWayToGiveThem() throws Exception {
        Path keys = Files.writeString(tmp.resolve("keys.properties"), "s3.access-key=AKIA-marker\n");
        assertThatThrownBy(() -> PaimonTables.fromOptions(parse("--paimon.warehouse", "s3://lake/wh", "--paimon.catalog-options-file", keys.toString())))
                .isInstanceOf(OptionsException.class)
                .hasMessageStartingWith("--paimon.catalog-options-file: s3.access-key is a credential")
                .hasMessageContaining("AWS_ACCESS_KEY_ID")
                .hasMessageNotContaining("marker");
        // Flink's file systems (which serve s3://) ignore catalog options: a setting there would be silently dropped
        Path endpoint = Files.writeString(tmp.resolve("endpoint.properties"), "s3.endpoint=http://minio:9000\n");
        assertThatThrownBy(() -> PaimonTables.fromOptions(parse("--paimon.warehouse", "s3://lake/wh", "--paimon.catalog-options-file", endpoint.toString())))
                .isInstanceOf(OptionsException.class)
                .hasMessage("--paimon.catalog-options-file: s3.endpoint is a file system setting, which the lake takes from the Flink "
                        + "configuration (the chart's s3.*), as checkpoints do");
        // a catalog option that is neither passes
        Path plain = Files.writeString(tmp.resolve("plain.properties"), "lock.enabled=false\n");
        PaimonTables.fromOptions(parse("--paimon.warehouse", tmp.resolve("wh").toUri().toString(), "--paimon.catalog-options-file", plain.toString()));
    }

    @Test
    void anS3WarehouseIsReadThroughFlinksFileSystemsLikeCheckpoints() {
        // no S3 here: what matters is who answers — Flink's file systems (the image's s3 plugin), not a missing Paimon one
        PaimonTables lake = new PaimonTables(Map.of("warehouse", "s3://lake/wh"), "dataloop", 1);
        assertThatThrownBy(() -> lake.tableExists("t")).hasStackTraceContaining("flink-s3-fs-hadoop");
    }
}
