package org.dataloop.casemetrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.dataloop.common.event.CaseDetail;
import org.dataloop.common.event.MpsMpd;

/** The job's records and state are Flink POJOs, so their layout can evolve without Kryo. */
class StateTypesTest {
    @ParameterizedTest
    @ValueSource(classes = {CaseState.class, ContextSegment.class, DayCityState.class, TriggerCount.class,
            MetricDelta.class, CaseDetail.class, MpsMpd.class})
    void isAPojoWithGenericTypesDisabled(Class<?> type) {
        TypeInformation<?> info = TypeInformation.of(type);
        assertThat(info).isInstanceOf(PojoTypeInfo.class);
        ExecutionConfig config = new ExecutionConfig();
        config.disableGenericTypes();
        assertThat(info.createSerializer(config.getSerializerConfig())).isInstanceOf(PojoSerializer.class);
    }
}
