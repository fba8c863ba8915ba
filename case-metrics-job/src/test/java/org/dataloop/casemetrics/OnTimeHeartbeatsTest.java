package org.dataloop.casemetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dataloop.casemetrics.CaseTestData.DAY_START;
import static org.dataloop.casemetrics.CaseTestData.heartbeat;

import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import org.dataloop.common.event.EnrichedHeartbeat;

class OnTimeHeartbeatsTest {
    @Test
    void dropsHeartbeatsAtOrBehindTheWatermarkOnly() throws Exception {
        try (var harness = new OneInputStreamOperatorTestHarness<EnrichedHeartbeat, EnrichedHeartbeat>(new ProcessOperator<>(new OnTimeHeartbeats()))) {
            harness.open();
            long t = DAY_START;
            harness.processElement(heartbeat(t + 10, "SH", null), (t + 10) * 1000);
            harness.processWatermark((t + 5) * 1000);
            harness.processElement(heartbeat(t + 6, "SH", null), (t + 6) * 1000);  // out of order, not behind
            harness.processElement(heartbeat(t + 5, "SH", null), (t + 5) * 1000);  // at the watermark: behind
            harness.processElement(heartbeat(t + 1, "SH", null), (t + 1) * 1000);  // behind
            assertThat(harness.extractOutputValues()).extracting(e -> e.heartbeat.tsSecond - t).containsExactly(10L, 6L);
        }
    }
}
