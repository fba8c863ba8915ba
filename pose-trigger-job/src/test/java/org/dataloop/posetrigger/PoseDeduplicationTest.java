package org.dataloop.posetrigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dataloop.posetrigger.PoseTestData.T0;
import static org.dataloop.posetrigger.PoseTestData.pose;

import java.time.Duration;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.dataloop.common.ops.KeepWatermark;
import org.dataloop.common.event.PoseSample;
import org.dataloop.common.ops.TimeSlotDeduplicator;

/** common's de-duplicator with the pose policy: key (car_id, timestamp_ms), late = older than the watermark. */
class PoseDeduplicationTest {
    private KeyedOneInputStreamOperatorTestHarness<String, PoseSample, PoseSample> harness;

    @BeforeEach
    void setUp() throws Exception {
        var fn = new TimeSlotDeduplicator<>("pose-trigger-job", new PoseDedupPolicy(Duration.ofSeconds(1)));
        harness = new KeyedOneInputStreamOperatorTestHarness<>(KeepWatermark.of(fn), p -> p.carId, Types.STRING);
        harness.setup(TypeInformation.of(PoseSample.class).createSerializer(harness.getExecutionConfig().getSerializerConfig()));
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void send(String car, long offsetMs) throws Exception {
        harness.processElement(pose(car, T0 + offsetMs, 30, 0), T0 + offsetMs);
    }

    @Test
    void firstArrivalWinsPerCarAndTimestampAndOlderThanTheWatermarkIsLate() throws Exception {
        send("a", 100);
        send("a", 100);   // duplicate
        send("b", 100);
        send("a", 164);   // next 64-ms word
        send("a", 50);    // out of order, not late
        harness.processWatermark(T0 + 100);
        send("a", 100);   // at the watermark: not late, but a duplicate
        send("a", 99);    // older than the watermark: late
        send("a", 101);   // not late
        send("a", 164);   // duplicate, not late
        assertThat(harness.extractOutputValues()).extracting(p -> p.carId + "@" + (p.timestampMs - T0))
                .containsExactly("a@100", "b@100", "a@164", "a@50", "a@101");
        var late = harness.getSideOutput(TimeSlotDeduplicator.LATE);
        assertThat(late).hasSize(1);
        assertThat(late.peek().getValue().reason).isEqualTo("late");
        assertThat(late.peek().getValue().raw).contains("\"timestamp_ms\":" + (T0 + 99));
    }

    @Test
    void oneCleanupTimerPerCarAndSecondAndNoStateOnceFinal() throws Exception {
        for (long ms = 0; ms < 3_000; ms += 100) send("a", ms); // 10 Hz for 3 s
        assertThat(harness.numEventTimeTimers()).isEqualTo(3);
        harness.processWatermark(T0 + 2_000);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        harness.processWatermark(T0 + 3_000);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
