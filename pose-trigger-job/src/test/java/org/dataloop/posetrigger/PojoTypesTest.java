package org.dataloop.posetrigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The job's own state and record types are Flink POJOs: no Kryo, evolvable state. */
class PojoTypesTest {
    static List<TypeInformation<?>> types() {
        return List.of(TypeInformation.of(BrakeState.class), TypeInformation.of(CarState.class), TypeInformation.of(TagRow.class));
    }

    @ParameterizedTest
    @MethodSource("types")
    void isAPojoWithoutGenericFallback(TypeInformation<?> type) {
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        ExecutionConfig config = new ExecutionConfig();
        config.disableGenericTypes();
        assertThat(type.createSerializer(config.getSerializerConfig())).isInstanceOf(PojoSerializer.class);
    }
}
