package org.dataloop.common.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import org.dataloop.common.event.Heartbeat;
import org.dataloop.common.heartbeat.HeartbeatDedupPolicy;

/**
 * Watermarks are not part of a checkpoint: after a restore an event-time operator must still call late what an
 * uninterrupted run calls late. The heartbeat de-duplicator stands for every event-time operator here.
 */
class KeepWatermarkTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final long DAY_START = LocalDate.of(2026, 11, 20).atStartOfDay(SHANGHAI).toEpochSecond();
    /** The day is final: end of the day plus the allowed lateness (1 h). */
    private static final long DAY_FINAL_MS = (DAY_START + 86_400 + 3_600) * 1000;

    private static Heartbeat heartbeat(String car, long ts) {
        Heartbeat h = new Heartbeat();
        h.carId = car;
        h.tsSecond = ts;
        h.drivingMode = "Auto";
        h.speed = 30;
        return h;
    }

    private static TimeSlotDeduplicator<Heartbeat> dedup() {
        return new TimeSlotDeduplicator<>("heartbeat-job", new HeartbeatDedupPolicy(SHANGHAI, Duration.ofHours(1)));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Heartbeat, Heartbeat> harness(
            OneInputStreamOperator<Heartbeat, Heartbeat> operator, OperatorSubtaskState restoreFrom) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(operator, x -> x.carId, Types.STRING);
        h.setup(TypeInformation.of(Heartbeat.class).createSerializer(h.getExecutionConfig().getSerializerConfig()));
        if (restoreFrom != null) h.initializeState(restoreFrom);
        h.open();
        return h;
    }

    /** Runs to the day's finality, snapshots, and restores into {@code restored}; a heartbeat of the final day follows. */
    private static KeyedOneInputStreamOperatorTestHarness<String, Heartbeat, Heartbeat> restoreAfterFinalDay(
            OneInputStreamOperator<Heartbeat, Heartbeat> first, OneInputStreamOperator<Heartbeat, Heartbeat> restored) throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(first, null)) {
            h.processElement(heartbeat("a", DAY_START + 100), (DAY_START + 100) * 1000);
            h.processWatermark(DAY_FINAL_MS);
            snapshot = h.snapshot(1, 1);
        }
        var h = harness(restored, snapshot);
        h.processElement(heartbeat("a", DAY_START + 200), (DAY_START + 200) * 1000); // before any watermark
        return h;
    }

    @Test
    void plainFlinkTakesALateRecordRightAfterARestoreAsOnTime() throws Exception {
        // the defect this class exists for, in Flink's own operator
        try (var h = restoreAfterFinalDay(new KeyedProcessOperator<>(dedup()), new KeyedProcessOperator<>(dedup()))) {
            assertThat(h.extractOutputValues()).hasSize(1);
            assertThat(h.getSideOutput(TimeSlotDeduplicator.LATE)).isNull();
        }
    }

    @Test
    void aRecordLateBeforeTheCheckpointIsLateRightAfterTheRestore() throws Exception {
        try (var h = restoreAfterFinalDay(KeepWatermark.of(dedup()), KeepWatermark.of(dedup()))) {
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.getSideOutput(TimeSlotDeduplicator.LATE)).hasSize(1);
            assertThat(h.getOutput()).filteredOn(Watermark.class::isInstance)
                    .as("the restored watermark goes downstream too").containsExactly(new Watermark(DAY_FINAL_MS));
        }
    }

    @Test
    void aSourceWatermarkStartingOverAfterTheRestoreDoesNotMoveTimeBack() throws Exception {
        try (var h = restoreAfterFinalDay(KeepWatermark.of(dedup()), KeepWatermark.of(dedup()))) {
            h.processWatermark(DAY_START * 1000); // the source's first watermark after the restore
            h.processElement(heartbeat("b", DAY_START + 300), (DAY_START + 300) * 1000);
            assertThat(h.getSideOutput(TimeSlotDeduplicator.LATE)).hasSize(2);
            h.processWatermark(DAY_FINAL_MS + 1_000);
            assertThat(h.getOutput()).filteredOn(Watermark.class::isInstance)
                    .containsExactly(new Watermark(DAY_FINAL_MS), new Watermark(DAY_FINAL_MS + 1_000));
        }
    }

    @Test
    void aRestoreFromTheStateOfAnOperatorThatNeverKeptOneStartsFresh() throws Exception {
        // a savepoint of the earlier layout (Flink's plain operator, same uid): nothing kept, nothing held back
        try (var h = restoreAfterFinalDay(new KeyedProcessOperator<>(dedup()), KeepWatermark.of(dedup()))) {
            assertThat(h.extractOutputValues()).hasSize(1);
        }
    }

    @Test
    void afterARescaleEverySubtaskTakesTheLowestKeptWatermark() throws Exception {
        OperatorSubtaskState[] states = new OperatorSubtaskState[2];
        long[] watermarks = {DAY_FINAL_MS, DAY_FINAL_MS - 10_000};
        for (int i = 0; i < 2; i++) {
            var h = new KeyedOneInputStreamOperatorTestHarness<>(KeepWatermark.of(dedup()), x -> x.carId, Types.STRING, 128, 2, i);
            h.setup(TypeInformation.of(Heartbeat.class).createSerializer(h.getExecutionConfig().getSerializerConfig()));
            h.open();
            h.processWatermark(watermarks[i]);
            states[i] = h.snapshot(1, 1);
            h.close();
        }
        OperatorSubtaskState merged = AbstractStreamOperatorTestHarness.repackageState(states);
        OperatorSubtaskState forOne = AbstractStreamOperatorTestHarness.repartitionOperatorState(merged, 128, 2, 1, 0);
        try (var h = harness(KeepWatermark.of(dedup()), forOne)) {
            assertThat(h.getOutput()).filteredOn(Watermark.class::isInstance).containsExactly(new Watermark(DAY_FINAL_MS - 10_000));
        }
    }

    @Test
    void aNonKeyedFunctionSeesTheRestoredWatermarkToo() throws Exception {
        ProcessFunction<Long, Long> behindWatermark = new ProcessFunction<>() {
            @Override
            public void processElement(Long ts, Context ctx, Collector<Long> out) {
                if (ts <= ctx.timerService().currentWatermark()) out.collect(ts);
            }
        };
        OperatorSubtaskState snapshot;
        try (var h = new OneInputStreamOperatorTestHarness<>(KeepWatermark.of(behindWatermark))) {
            h.open();
            h.processWatermark(1_000);
            snapshot = h.snapshot(1, 1);
        }
        try (var h = new OneInputStreamOperatorTestHarness<>(KeepWatermark.of(behindWatermark))) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(500L, 500);
            List<Long> behind = new ArrayList<>(h.extractOutputValues());
            assertThat(behind).containsExactly(500L);
        }
    }
}
