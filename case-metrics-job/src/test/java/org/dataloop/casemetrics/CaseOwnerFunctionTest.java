package org.dataloop.casemetrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import org.dataloop.common.event.CaseChunk;

class CaseOwnerFunctionTest {

    private static CaseChunk chunk(String caseId, String chunkId, String car) {
        CaseChunk c = CaseTestData.chunk(caseId, chunkId, 1_763_568_000_000L, 1_763_568_010_000L, 1);
        c.carId = car;
        return c;
    }

    @Test
    void aCaseBelongsToTheCarOfItsFirstChunkAndAnotherCarsChunkIsAConflict() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new CaseOwnerFunction("case-metrics-job", Duration.ofHours(48))), (CaseChunk c) -> c.caseId, Types.STRING);
        h.open();
        h.processElement(chunk("case-1", "c0", "car-1"), 0);
        h.processElement(chunk("case-1", "c1", "car-2"), 0);
        h.processElement(chunk("case-1", "c2", "car-1"), 0);
        h.processElement(chunk("case-2", "c0", "car-2"), 0);

        assertThat(h.extractOutputValues()).extracting(c -> c.caseId + "/" + c.chunkId + "/" + c.carId)
                .containsExactly("case-1/c0/car-1", "case-1/c2/car-1", "case-2/c0/car-2");
        assertThat(h.getSideOutput(CaseOwnerFunction.CONFLICTS)).singleElement().satisfies(r -> {
            assertThat(r.getValue().reason).isEqualTo("conflict");
            assertThat(r.getValue().stream).isEqualTo("case_mapping");
            assertThat(r.getValue().detail).isEqualTo("case_id case-1 belongs to car_id car-1, not car-2");
            assertThat(r.getValue().raw).contains("\"chunk_id\":\"c1\"", "\"car_id\":\"car-2\"");
        });
        h.close();
    }
}
