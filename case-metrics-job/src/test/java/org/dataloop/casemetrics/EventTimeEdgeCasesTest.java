package org.dataloop.casemetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dataloop.casemetrics.CaseTestData.DAY;
import static org.dataloop.casemetrics.CaseTestData.DAY_START;
import static org.dataloop.casemetrics.CaseTestData.NEXT_DAY_START;
import static org.dataloop.casemetrics.CaseTestData.SHANGHAI;
import static org.dataloop.casemetrics.CaseTestData.chunk;
import static org.dataloop.casemetrics.CaseTestData.heartbeat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.ops.KeepWatermark;
import org.dataloop.common.dim.DimensionDef;
import org.dataloop.common.dim.DimensionTables;
import org.dataloop.common.event.CaseChunk;
import org.dataloop.common.event.CaseDetail;
import org.dataloop.common.event.EnrichedHeartbeat;
import org.dataloop.common.event.MpsMpd;
import org.dataloop.common.runtime.JobRunner;

/** Idle inputs, restores (watermarks are not checkpointed) and late chunks: each of these once broke the job. */
class EventTimeEdgeCasesTest {
    private static final long T = DAY_START + 3_600; // 01:00 local, epoch seconds
    private static final Duration RETENTION = Duration.ofHours(48);

    @TempDir
    static Path dir;

    private static KeyedTwoInputStreamOperatorTestHarness<String, EnrichedHeartbeat, CaseChunk, CaseDetail> context() throws Exception {
        Path orders = Files.writeString(dir.resolve("dim_order.jsonl"), "{\"task_id\":\"task-A\",\"order_id\":\"o\",\"customer_id\":\"c\"}\n");
        var options = JobRunner.parse(new CaseMetricsJob(), new String[] {"--local", "--input.dim_order", orders.toString()});
        DimensionTables dims = DimensionTables.fromOptions(options, List.of(DimensionDef.DIM_ORDER));
        var fn = new CaseContextFunction("case-metrics-job", SHANGHAI, Duration.ofSeconds(60), RETENTION, dims, Duration.ofHours(1));
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(KeepWatermark.of(fn),
                (EnrichedHeartbeat e) -> e.heartbeat.carId, (CaseChunk c) -> c.carId, Types.STRING);
        h.setup(TypeInformation.of(CaseDetail.class).createSerializer(h.getExecutionConfig().getSerializerConfig()));
        h.open();
        h.processWatermarkStatus2(WatermarkStatus.IDLE); // the case stream, as in the Kafka job
        return h;
    }

    private static void heartbeats(KeyedTwoInputStreamOperatorTestHarness<String, EnrichedHeartbeat, CaseChunk, CaseDetail> h,
            long from, long to, String city) throws Exception {
        for (long s = from; s <= to; s++) h.processElement1(heartbeat(s, city, "task-A"), s * 1000);
    }

    private static List<String> counts(KeyedTwoInputStreamOperatorTestHarness<String, EnrichedHeartbeat, CaseChunk, CaseDetail> h) {
        return h.getSideOutput(CaseContextFunction.CASE_COUNTS).stream().map(StreamRecord::getValue).map(Object::toString).toList();
    }

    /**
     * From Kafka the heartbeat source marks itself idle after source.idle-timeout (fleet parked, broker hiccup). With
     * the case stream idle for event time too, event time must stand still: no context, case or day may be finished
     * (a case stream that declared itself "caught up" once made the watermark jump to the end of time here).
     */
    @Test
    void anIdleHeartbeatStreamStopsEventTimeInsteadOfFinishingEverything() throws Exception {
        try (var h = context()) {
            heartbeats(h, T - 5, T + 100, "SH");
            h.processWatermark1(new Watermark(T * 1000 + 94_000));
            h.processElement2(chunk("case-1", "c0", T * 1000 + 10_000, T * 1000 + 20_000, 100), T * 1000 + 10_000);
            assertThat(counts(h)).containsExactly("cases " + DAY + "/SH/collision 1");

            // 30 s without heartbeats: the Kafka source marks the heartbeat stream idle
            h.processWatermarkStatus1(WatermarkStatus.IDLE);
            // the fleet drives again
            h.processWatermarkStatus1(WatermarkStatus.ACTIVE);
            heartbeats(h, T + 200, T + 300, "SH");
            h.processWatermark1(new Watermark(T * 1000 + 294_000));

            h.processElement2(chunk("case-1", "c1", T * 1000 + 20_000, T * 1000 + 30_000, 100), T * 1000 + 20_000);
            h.processElement2(chunk("case-2", "c0", T * 1000 + 250_000, T * 1000 + 260_000, 100), T * 1000 + 250_000);
            h.processWatermark1(new Watermark(T * 1000 + 310_000)); // case-2's window has passed

            assertThat(h.extractOutputValues()).extracting(r -> r.op + " " + r.caseId + " " + r.cityCode + " chunks=" + r.chunkCount)
                    .containsExactly("+I case-1 SH chunks=1", "+U case-1 SH chunks=2", "+I case-2 SH chunks=1");
            assertThat(counts(h)).as("case-1 is one case").containsExactly(
                    "cases " + DAY + "/SH/collision 1", "cases " + DAY + "/SH/collision 1");
        }
    }

    /**
     * After a restore the watermark is Long.MIN_VALUE until the inputs send one. A change for a group that was final
     * and dropped before the checkpoint must still be late, not start a new group that overwrites the final rows.
     */
    @Test
    void aDeltaForAFinalGroupAfterARestoreMustNotOverwriteTheFinalRows() throws Exception {
        long t = DAY_START * 1000 + 3_600_000;
        long finalAt = NEXT_DAY_START * 1000 + RETENTION.toMillis();
        var fn = new MpsMpdFunction("case-metrics-job", SHANGHAI, RETENTION, Duration.ofSeconds(10), Set.of("collision"));
        var h = new KeyedOneInputStreamOperatorTestHarness<>(KeepWatermark.of(fn), MetricDelta::group, Types.STRING);
        h.setup(TypeInformation.of(MpsMpd.class).createSerializer(h.getExecutionConfig().getSerializerConfig()));
        h.open();
        h.processElement(MetricDelta.km(DAY, "SH", 20.0), t);
        h.processElement(MetricDelta.cases(DAY, "SH", "collision", 1), t);
        h.processWatermark(finalAt);
        assertThat(h.extractOutputValues()).extracting(r -> r.op + r.triggerType + " km=" + r.totalMiles)
                .containsExactlyInAnyOrder("+Icollision km=20.0", "+IALL km=20.0");
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();

        var fn2 = new MpsMpdFunction("case-metrics-job", SHANGHAI, RETENTION, Duration.ofSeconds(10), Set.of("collision"));
        var restored = new KeyedOneInputStreamOperatorTestHarness<>(KeepWatermark.of(fn2), MetricDelta::group, Types.STRING);
        restored.setup(TypeInformation.of(MpsMpd.class).createSerializer(restored.getExecutionConfig().getSerializerConfig()));
        restored.initializeState(snapshot);
        restored.open();
        // a case of that day resolved right after the restore (or a -1 of a case that moved, or a late heartbeat's km)
        restored.processElement(MetricDelta.cases(DAY, "SH", "takeover", 1), finalAt + 60_000);
        restored.processWatermark(finalAt + 60_000);
        assertThat(restored.extractOutputValues()).extracting(r -> r.op + r.triggerType + " km=" + r.totalMiles)
                .as("the group is final: the delta is late and must not rewrite its rows").isEmpty();
        restored.close();
    }

    /**
     * A case's day stays open until the end of the day plus the retention: a chunk that arrives before then must still
     * find its case (not count it a second time, nor overwrite its row with a one-chunk row).
     */
    @Test
    void aChunkAfterTheCasesStateExpiredMustNotCountTheCaseTwice() throws Exception {
        try (var h = context()) {
            long start = T * 1000 + 10_000;
            heartbeats(h, T - 5, T + 100, "SH");
            h.processWatermark1(new Watermark(T * 1000 + 600_000));                 // uploaded 10 min later
            h.processElement2(chunk("case-1", "c0", start, start + 10_000, 100), start);
            h.processWatermark1(new Watermark(start + Duration.ofHours(49).toMillis())); // the day (01:00) is open until +71 h
            h.processElement2(chunk("case-1", "c1", start + 10_000, start + 20_000, 100), start + 10_000);

            assertThat(counts(h)).as("one case, counted once").hasSize(1);
            assertThat(h.extractOutputValues()).last().satisfies(r -> assertThat(r.chunkCount).isEqualTo(2));
        }
    }

    /**
     * A chunk of a case whose day is final (the case expired with it, or the chunk comes after the day): a one-chunk
     * row would overwrite the case's row and its count would change a final MPS/MPD row. It is a dead letter instead.
     */
    @Test
    void aChunkAfterItsCasesDayIsFinalIsALateDeadLetter() throws Exception {
        try (var h = context()) {
            long start = T * 1000 + 10_000;
            heartbeats(h, T - 5, T + 100, "SH");
            h.processElement2(chunk("case-1", "c0", start, start + 10_000, 100), start);
            long dayFinal = NEXT_DAY_START * 1000 + RETENTION.toMillis(); // the end of the local day plus the retention
            h.processWatermark1(new Watermark(dayFinal));
            int rows = h.extractOutputValues().size();
            h.processElement2(chunk("case-1", "c1", start + 10_000, start + 20_000, 100), start + 10_000);
            h.processElement2(chunk("case-2", "c0", start, start + 1_000, 1), start);

            assertThat(h.extractOutputValues()).as("no row rewritten").hasSize(rows);
            assertThat(counts(h)).as("case-1 counted once, case-2 not at all").hasSize(1);
            assertThat(h.getSideOutput(CaseContextFunction.CHUNKS)).as("only the first chunk reaches the ODS").hasSize(1);
            assertThat(h.getSideOutput(CaseContextFunction.LATE)).extracting(r -> r.getValue().reason).containsExactly("late", "late");
            assertThat(h.getSideOutput(CaseContextFunction.LATE)).extracting(r -> r.getValue().raw)
                    .satisfiesExactly(raw -> assertThat(raw).contains("\"case_id\":\"case-1\"", "\"chunk_id\":\"c1\""),
                            raw -> assertThat(raw).contains("\"case_id\":\"case-2\"", "\"chunk_id\":\"c0\""));
        }
    }

    /** A chunk that would move an open case into a day that is already final: a late dead letter too. */
    @Test
    void aChunkThatWouldMoveACaseIntoAFinalDayIsALateDeadLetter() throws Exception {
        try (var h = context()) {
            long dayTwo = NEXT_DAY_START * 1000 + 3_600_000; // 01:00 of the next day
            h.processElement2(chunk("case-1", "c1", dayTwo, dayTwo + 10_000, 100), dayTwo);
            long dayOneFinal = NEXT_DAY_START * 1000 + RETENTION.toMillis(); // the next day stays open a day longer
            h.processWatermark1(new Watermark(dayOneFinal));
            int rows = h.extractOutputValues().size();
            h.processElement2(chunk("case-1", "c0", DAY_START * 1000 + 3_600_000, dayTwo, 100), DAY_START * 1000 + 3_600_000);

            assertThat(h.extractOutputValues()).as("the case keeps its day").hasSize(rows);
            assertThat(counts(h)).as("counted once, on its day").hasSize(1);
            assertThat(h.getSideOutput(CaseContextFunction.LATE)).singleElement()
                    .satisfies(r -> assertThat(r.getValue().raw).contains("\"chunk_id\":\"c0\""));
        }
    }

    /**
     * realtime_metrics goes to Fluss, which is at-least-once: rows written after the last checkpoint stay there after
     * a failure. A trigger type that ends without cases must be deleted even if this run never emitted its row.
     */
    @Test
    void aTriggerRowWrittenBeforeAFailureIsDeletedAfterTheRestore() throws Exception {
        long t = DAY_START * 1000 + 3_600_000;
        var fn = new MpsMpdFunction("case-metrics-job", SHANGHAI, RETENTION, Duration.ofSeconds(10), Set.of("collision"));
        var h = new KeyedOneInputStreamOperatorTestHarness<>(KeepWatermark.of(fn), MetricDelta::group, Types.STRING);
        h.setup(TypeInformation.of(MpsMpd.class).createSerializer(h.getExecutionConfig().getSerializerConfig()));
        h.open();
        h.processElement(MetricDelta.km(DAY, "SH", 20.0), t);
        h.processWatermark(t + 10_000);
        OperatorSubtaskState checkpoint = h.snapshot(1, 1);
        // after the checkpoint: a takeover case, emitted (and written to Fluss), then the job fails
        h.processElement(MetricDelta.cases(DAY, "SH", "takeover", 1), t + 11_000);
        h.processWatermark(t + 20_000);
        assertThat(h.extractOutputValues()).extracting(r -> r.op + r.triggerType).contains("+Itakeover");
        h.close();

        var fn2 = new MpsMpdFunction("case-metrics-job", SHANGHAI, RETENTION, Duration.ofSeconds(10), Set.of("collision"));
        var restored = new KeyedOneInputStreamOperatorTestHarness<>(KeepWatermark.of(fn2), MetricDelta::group, Types.STRING);
        restored.setup(TypeInformation.of(MpsMpd.class).createSerializer(restored.getExecutionConfig().getSerializerConfig()));
        restored.initializeState(checkpoint);
        restored.open();
        // the replay: this time the case's move to another city (-1) arrives before the emit timer
        restored.processElement(MetricDelta.cases(DAY, "SH", "takeover", 1), t + 11_000);
        restored.processElement(MetricDelta.cases(DAY, "SH", "takeover", -1), t + 12_000);
        restored.processWatermark(t + 30_000);
        assertThat(restored.extractOutputValues()).extracting(r -> r.op + r.triggerType)
                .as("the row written before the failure must be deleted").contains("-Dtakeover");
        restored.close();
    }
}
