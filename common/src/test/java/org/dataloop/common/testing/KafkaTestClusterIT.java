package org.dataloop.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaTestClusterIT {

    @RegisterExtension
    static final KafkaTestCluster KAFKA = new KafkaTestCluster();

    @Test
    void readsBackWhatWasProduced() {
        KAFKA.createTopic("events", 1);
        KAFKA.produce("events", "k1", "a");
        KAFKA.produceAll("events", List.of("b", "c"));

        assertThat(KAFKA.readAll("events", true, Duration.ofSeconds(20))).containsExactly("a", "b", "c");
    }
}
