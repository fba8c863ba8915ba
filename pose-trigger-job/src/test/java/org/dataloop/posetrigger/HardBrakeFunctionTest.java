package org.dataloop.posetrigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dataloop.posetrigger.PoseTestData.T0;
import static org.dataloop.posetrigger.PoseTestData.pose;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.dataloop.common.ops.KeepWatermark;
import org.dataloop.common.event.DeadLetter;
import org.dataloop.common.event.HardBrakeTrigger;
import org.dataloop.common.event.PoseSample;

/** The keyed hard-brake operator with Flink's harness: ordering, lateness, watermarks, timers, state. */
class HardBrakeFunctionTest {
    private static final long TIMEOUT_MS = 60_000;
    private KeyedOneInputStreamOperatorTestHarness<String, PoseSample, HardBrakeTrigger> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = newHarness();
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, PoseSample, HardBrakeTrigger> newHarness() throws Exception {
        var fn = new HardBrakeFunction("pose-trigger-job", HardBrakeParams.defaults(), TIMEOUT_MS);
        var h = new KeyedOneInputStreamOperatorTestHarness<String, PoseSample, HardBrakeTrigger>(
                KeepWatermark.of(fn), p -> p.carId, Types.STRING);
        h.setup(TypeInformation.of(HardBrakeTrigger.class).createSerializer(h.getExecutionConfig().getSerializerConfig()));
        return h;
    }

    private void send(String car, long offsetMs, double speed, double accel) throws Exception {
        harness.processElement(pose(car, T0 + offsetMs, speed, accel), T0 + offsetMs);
    }

    private void watermark(long offsetMs) throws Exception {
        harness.processWatermark(T0 + offsetMs);
    }

    private List<TagRow> tags() {
        List<TagRow> out = new ArrayList<>();
        ConcurrentLinkedQueue<StreamRecord<TagRow>> q = harness.getSideOutput(HardBrakeFunction.TAGS);
        if (q != null) q.forEach(r -> out.add(r.getValue()));
        return out;
    }

    /** A brake of car-1 from +1000 to +1400 ms, the samples of +1000..+1500 sent out of order. */
    private void outOfOrderBrake() throws Exception {
        send("car-1", 0, 40, 0);
        send("car-1", 100, 40, 0);
        send("car-1", 1_200, 36, -6);
        send("car-1", 1_000, 40, -5);
        send("car-1", 1_400, 33, -5);
        send("car-1", 1_100, 38, -7.5);
        send("car-1", 1_500, 32, -1);
        send("car-1", 1_300, 35, -5);
    }

    @Test
    void outOfOrderSamplesAreDetectedInTimeOrderOnceTheWatermarkShowsTheEpisodeIsFinal() throws Exception {
        outOfOrderBrake();
        watermark(1_999);
        assertThat(harness.extractOutputValues()).isEmpty(); // nothing released before the watermark passes a second
        watermark(2_399);
        // released up to +2398: the episode ended at +1400 and could still merge with a braking sample at +2399
        assertThat(harness.extractOutputValues()).isEmpty();
        watermark(2_400); // every sample up to +2399 is in: the episode can neither grow nor merge
        List<HardBrakeTrigger> out = harness.extractOutputValues();
        assertThat(out).hasSize(1);
        HardBrakeTrigger t = out.get(0);
        assertThat(t.startTs).isEqualTo(T0 + 1_000);
        assertThat(t.endTs).isEqualTo(T0 + 1_400);
        assertThat(t.peakDecel).isEqualTo(7.5);
        assertThat(t.sampleCount).isEqualTo(5);
        assertThat(t.speedStart).isEqualTo(40);
        assertThat(t.speedEnd).isEqualTo(33);

        assertThat(tags()).extracting(TagRow::toString).containsExactlyInAnyOrder(
                "car-1@" + T0 / 1000 + " speed=40.00",
                "car-1@" + (T0 / 1000 + 1) + " speed=35.67",   // (40+38+36+35+33+32)/6 = 35.666..
                "car-1@" + (T0 / 1000 + 1) + " hard_brake=true");
    }

    @Test
    void aBrakeAcrossASecondBoundaryTagsBothSeconds() throws Exception {
        send("car-2", 800, 50, -5);
        send("car-2", 900, 49, -5);
        send("car-2", 1_000, 48, -5);
        send("car-2", 1_100, 47, 0);
        watermark(10_000);
        assertThat(tags()).filteredOn(t -> t.tagId == PoseTags.HARD_BRAKE_ID).extracting(t -> t.tsSecond - T0 / 1000)
                .containsExactly(0L, 1L);
        assertThat(tags()).filteredOn(t -> t.tagId == PoseTags.SPEED_ID).extracting(t -> t.value).containsExactly("49.50", "47.50");
    }

    @Test
    void aSampleOlderThanTheWatermarkIsLateAndOneAtTheWatermarkIsNot() throws Exception {
        send("car-1", 5_000, 40, 0);
        watermark(4_000);
        send("car-1", 3_999, 40, -9); // late
        send("car-1", 4_000, 40, 0);  // at the watermark: accepted
        var late = harness.getSideOutput(HardBrakeFunction.LATE);
        assertThat(late).hasSize(1);
        DeadLetter d = late.peek().getValue();
        assertThat(d.reason).isEqualTo("late");
        assertThat(d.stream).isEqualTo("pose");
        assertThat(d.raw).contains("\"timestamp_ms\":" + (T0 + 3_999));
        watermark(10_000);
        assertThat(tags()).extracting(t -> t.tsSecond - T0 / 1000).containsExactly(4L, 5L);
    }

    @Test
    void carsAreIndependent() throws Exception {
        send("car-1", 1_000, 40, -5);
        send("car-2", 1_050, 40, -5);
        send("car-1", 1_300, 40, -5);
        send("car-2", 1_100, 40, -1);
        watermark(5_000);
        assertThat(harness.extractOutputValues()).extracting(t -> t.carId).containsExactly("car-1");
    }

    @Test
    void stateAndTimersAreGoneOnceACarStopsReporting() throws Exception {
        outOfOrderBrake();
        send("car-2", 500, 40, -5);
        send("car-2", 600, 40, -5); // open episode, car-2 goes silent
        assertThat(harness.numEventTimeTimers()).isEqualTo(3); // one per car and second holding samples
        watermark(3_000);
        assertThat(harness.extractOutputValues()).hasSize(1); // car-1's; car-2's 100 ms is too short
        assertThat(harness.numKeyedStateEntries()).isGreaterThan(0);
        assertThat(harness.numEventTimeTimers()).isEqualTo(2); // the state timeouts
        watermark(1_500 + TIMEOUT_MS - 1);
        assertThat(harness.numKeyedStateEntries()).isGreaterThan(0);
        watermark(1_500 + TIMEOUT_MS);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        watermark(Long.MAX_VALUE - T0);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aCarThatKeepsReportingIsNotForgotten() throws Exception {
        for (long s = 0; s < 3 * TIMEOUT_MS / 1000; s++) {
            send("car-1", s * 1000, 40, 0);
            watermark(s * 1000 - 1);
        }
        send("car-1", 3 * TIMEOUT_MS, 40, -5);
        send("car-1", 3 * TIMEOUT_MS + 300, 40, -5);
        watermark(3 * TIMEOUT_MS + 5_000);
        assertThat(harness.extractOutputValues()).hasSize(1); // the brake after 3 timeouts is still seen in order
        assertThat(harness.numEventTimeTimers()).isLessThanOrEqualTo(2);
    }

    @Test
    void aSnapshotTakenMidEpisodeRestoresToTheSameTrigger() throws Exception {
        send("car-1", 1_000, 40, -5);
        send("car-1", 1_100, 39, -5);
        watermark(1_500);
        send("car-1", 1_700, 37, -6);
        send("car-1", 1_800, 36, -1);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        watermark(5_000);
        List<HardBrakeTrigger> out = harness.extractOutputValues();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).durationMs).isEqualTo(700);
        assertThat(out.get(0).sampleCount).isEqualTo(3);
    }
}
