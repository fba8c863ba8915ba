package org.dataloop.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.dataloop.common.parse.CaseChunkParser;
import org.dataloop.common.parse.HeartbeatParser;
import org.dataloop.common.parse.PoseParser;

/** Every class that travels between operators or sits in state must be a Flink POJO: no Kryo, evolvable state. */
class PojoTypesTest {
    static List<TypeInformation<?>> types() {
        return List.of(
                TypeInformation.of(Heartbeat.class), TypeInformation.of(PoseSample.class), TypeInformation.of(CaseChunk.class),
                TypeInformation.of(HardBrakeTrigger.class), TypeInformation.of(DeadLetter.class),
                TypeInformation.of(EnrichedHeartbeat.class), TypeInformation.of(DailyAutoRate.class),
                new HeartbeatParser().parsedType(), new PoseParser().parsedType(), new CaseChunkParser().parsedType());
    }

    @ParameterizedTest
    @MethodSource("types")
    void isAPojoWithoutGenericFallback(TypeInformation<?> type) {
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        ExecutionConfig config = new ExecutionConfig();
        config.disableGenericTypes(); // throws if any field would need Kryo
        TypeSerializer<?> serializer = type.createSerializer(config.getSerializerConfig());
        assertThat(serializer).isInstanceOf(PojoSerializer.class);
    }
}
