package org.dataloop.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.junit.jupiter.api.Test;

/** The job's own state type is a Flink POJO, so its layout can evolve without Kryo. */
class StateTypesTest {
    @Test
    void dailyGroupIsAPojo() {
        TypeInformation<DailyGroup> type = TypeInformation.of(DailyGroup.class);
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        ExecutionConfig config = new ExecutionConfig();
        config.disableGenericTypes();
        assertThat(type.createSerializer(config.getSerializerConfig())).isInstanceOf(PojoSerializer.class);
    }
}
