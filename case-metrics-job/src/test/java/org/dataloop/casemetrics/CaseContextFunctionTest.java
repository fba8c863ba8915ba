package org.dataloop.casemetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dataloop.casemetrics.CaseTestData.DAY;
import static org.dataloop.casemetrics.CaseTestData.DAY_START;
import static org.dataloop.casemetrics.CaseTestData.NEXT_DAY;
import static org.dataloop.casemetrics.CaseTestData.NEXT_DAY_START;
import static org.dataloop.casemetrics.CaseTestData.SHANGHAI;
import static org.dataloop.casemetrics.CaseTestData.chunk;
import static org.dataloop.casemetrics.CaseTestData.heartbeat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.ops.KeepWatermark;
import org.dataloop.common.dim.DimensionDef;
import org.dataloop.common.dim.DimensionTables;
import org.dataloop.common.event.CaseChunk;
import org.dataloop.common.event.CaseDetail;
import org.dataloop.common.event.EnrichedHeartbeat;
import org.dataloop.common.runtime.JobRunner;

class CaseContextFunctionTest {
    private static final long T = DAY_START + 3_600; // 01:00 local, epoch seconds
    private static final Duration RETENTION = Duration.ofHours(48);

    @TempDir
    static Path dir;
    private static DimensionTables dims;
    private KeyedTwoInputStreamOperatorTestHarness<String, EnrichedHeartbeat, CaseChunk, CaseDetail> harness;

    @BeforeEach
    void setUp() throws Exception {
        if (dims == null) {
            Path orders = Files.writeString(dir.resolve("dim_order.jsonl"),
                    "{\"task_id\":\"task-A\",\"order_id\":\"order-7\",\"customer_id\":\"cust-3\",\"updated_at\":1}\n");
            var options = JobRunner.parse(new CaseMetricsJob(), new String[] {"--local", "--input.dim_order", orders.toString()});
            dims = DimensionTables.fromOptions(options, List.of(DimensionDef.DIM_ORDER));
        }
        harness = newHarness();
        harness.open();
        harness.processWatermarkStatus2(WatermarkStatus.IDLE); // the case stream, as in the job
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, EnrichedHeartbeat, CaseChunk, CaseDetail> newHarness() throws Exception {
        var fn = new CaseContextFunction("case-metrics-job", SHANGHAI, Duration.ofSeconds(60), RETENTION, dims, Duration.ofHours(1));
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(KeepWatermark.of(fn),
                (EnrichedHeartbeat e) -> e.heartbeat.carId, (CaseChunk c) -> c.carId, Types.STRING);
        h.setup(TypeInformation.of(CaseDetail.class).createSerializer(h.getExecutionConfig().getSerializerConfig()));
        return h;
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    /** Event time is the heartbeats' (the case stream is idle for event time, as in the job). */
    private void watermark(long ms) throws Exception {
        harness.processWatermark1(new Watermark(ms));
    }

    private void heartbeats(long from, long to, String city, String task) throws Exception {
        for (long s = from; s <= to; s++) harness.processElement1(heartbeat(s, city, task), s * 1000);
    }

    private void send(CaseChunk c) throws Exception {
        harness.processElement2(c, c.startTs);
    }

    private List<CaseDetail> rows() {
        return harness.extractOutputValues();
    }

    private List<MetricDelta> counts() {
        return harness.getSideOutput(CaseContextFunction.CASE_COUNTS).stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void aCaseBeforeItsHeartbeatsWaitsForThemAndTakesTheNearest() throws Exception {
        long start = T * 1000 + 30_400;
        send(chunk("case-1", "c0", start, start + 10_000, 100));
        assertThat(rows()).as("nothing before the heartbeats of its window can have arrived").isEmpty();

        heartbeats(T + 20, T + 30, "SH", "task-A");   // second 30 is 400 ms away
        heartbeats(T + 31, T + 100, "BJ", "task-B");  // second 31 is 600 ms away
        watermark(start + 59_999);
        assertThat(rows()).isEmpty();
        watermark(start + 60_000);

        assertThat(rows()).hasSize(1);
        CaseDetail r = rows().get(0);
        assertThat(r.op).isEqualTo("+I");
        assertThat(r.cityCode).isEqualTo("SH");
        assertThat(r.areaCode).isEqualTo("SH-area");
        assertThat(r.routeCode).isEqualTo("SH-route");
        assertThat(r.taskId).isEqualTo("task-A");
        assertThat(r.contextTsSecond).isEqualTo(T + 30);
        assertThat(r.orderId).isEqualTo("order-7");
        assertThat(r.customerId).isEqualTo("cust-3");
        assertThat(r.dateKey).isEqualTo(DAY);
        assertThat(counts()).singleElement().satisfies(d -> {
            assertThat(d.dateKey).isEqualTo(DAY);
            assertThat(d.cityCode).isEqualTo("SH");
            assertThat(d.triggerType).isEqualTo("collision");
            assertThat(d.cases).isEqualTo(1);
        });
    }

    @Test
    void noHeartbeatWithinSixtySecondsGivesUnknownContext() throws Exception {
        long start = T * 1000;
        heartbeats(T - 61, T - 61, "SH", "task-A");
        heartbeats(T + 61, T + 61, "BJ", "task-B");
        send(chunk("case-1", "c0", start, start + 1_000, 100));
        watermark(start + 60_000);

        CaseDetail r = rows().get(0);
        assertThat(r.cityCode).isEqualTo("UNKNOWN");
        assertThat(r.areaCode).isEqualTo("UNKNOWN");
        assertThat(r.routeCode).isEqualTo("UNKNOWN");
        assertThat(r.taskId).isNull();
        assertThat(r.orderId).isNull();
        assertThat(r.contextTsSecond).isNull();
        assertThat(counts().get(0).cityCode).isEqualTo("UNKNOWN");
    }

    @Test
    void exactlySixtySecondsAwayStillCounts() throws Exception {
        long start = T * 1000;
        heartbeats(T + 60, T + 60, "BJ", "task-B");
        send(chunk("case-1", "c0", start, start + 1_000, 100));
        watermark(start + 60_000);
        assertThat(rows().get(0).cityCode).isEqualTo("BJ");
    }

    @Test
    void aTieGoesToTheEarlierHeartbeat() throws Exception {
        heartbeats(T + 10, T + 10, "SH", "task-A");
        heartbeats(T + 11, T + 11, "BJ", "task-B");   // start is 500 ms from both
        heartbeats(T + 100, T + 100, "SH", "task-A");
        heartbeats(T + 120, T + 120, "GZ", "task-C"); // a gap: start is 10 s from both
        send(chunk("case-1", "c0", T * 1000 + 10_500, T * 1000 + 11_000, 1));
        send(chunk("case-2", "c0", T * 1000 + 110_000, T * 1000 + 111_000, 1));
        watermark(T * 1000 + 200_000);

        assertThat(rows()).extracting(r -> r.caseId + "=" + r.cityCode + "@" + (r.contextTsSecond - T))
                .containsExactlyInAnyOrder("case-1=SH@10", "case-2=SH@100");
    }

    @Test
    void aCaseSpanningLocalMidnightBelongsToTheDayItStarted() throws Exception {
        long start = NEXT_DAY_START * 1000 - 5_000;
        heartbeats(NEXT_DAY_START - 10, NEXT_DAY_START + 10, "SH", "task-A");
        send(chunk("case-1", "c0", start, start + 35_000, 1));
        watermark(start + 60_000);

        CaseDetail r = rows().get(0);
        assertThat(r.dateKey).isEqualTo(DAY);
        assertThat(r.endTs).isEqualTo(NEXT_DAY_START * 1000 + 30_000);
        assertThat(counts().get(0).dateKey).isEqualTo(DAY);
    }

    @Test
    void chunksOutOfOrderAndRepeatedMakeOneCase() throws Exception {
        long t0 = T * 1000;
        heartbeats(T - 5, T + 50, "SH", "task-A");
        CaseChunk second = chunk("case-1", "c1", t0 + 20_000, t0 + 30_000, 200);
        CaseChunk first = chunk("case-1", "c0", t0 + 10_000, t0 + 20_000, 100);
        send(second);
        send(first);
        send(chunk("case-1", "c1", t0 + 20_000, t0 + 30_000, 200)); // a repeat
        watermark(t0 + 90_000);

        assertThat(rows()).singleElement().satisfies(r -> {
            assertThat(r.startTs).isEqualTo(t0 + 10_000);
            assertThat(r.endTs).isEqualTo(t0 + 30_000);
            assertThat(r.fileSize).isEqualTo(300);
            assertThat(r.chunkCount).isEqualTo(2);
            assertThat(r.filePath).as("the first chunk is the earliest one, not the first to arrive").isEqualTo(first.filePath);
            assertThat(r.contextTsSecond).isEqualTo(T + 10);
        });
        assertThat(harness.getSideOutput(CaseContextFunction.CHUNKS)).extracting(rec -> rec.getValue().chunkId)
                .containsExactly("c1", "c0");

        send(chunk("case-1", "c2", t0 + 30_000, t0 + 40_000, 50)); // after resolution: an update at once
        assertThat(rows()).hasSize(2);
        CaseDetail update = rows().get(1);
        assertThat(update.op).isEqualTo("+U");
        assertThat(update.chunkCount).isEqualTo(3);
        assertThat(update.fileSize).isEqualTo(350);
        assertThat(update.endTs).isEqualTo(t0 + 40_000);
        assertThat(counts()).as("still one case").hasSize(1);
    }

    @Test
    void aLateChunkThatMovesTheStartToTheDayBeforeMovesTheCase() throws Exception {
        long afterMidnight = NEXT_DAY_START * 1000 + 10_000;
        heartbeats(NEXT_DAY_START - 30, NEXT_DAY_START - 1, "SH", "task-A");
        heartbeats(NEXT_DAY_START, NEXT_DAY_START + 30, "BJ", "task-B");
        send(chunk("case-1", "c1", afterMidnight, afterMidnight + 5_000, 1));
        watermark(afterMidnight + 60_000);
        assertThat(rows()).extracting(r -> r.op + r.dateKey + r.cityCode).containsExactly("+I" + NEXT_DAY + "BJ");

        send(chunk("case-1", "c0", NEXT_DAY_START * 1000 - 10_000, afterMidnight, 1));
        assertThat(rows()).extracting(r -> r.op + r.dateKey + r.cityCode)
                .containsExactly("+I" + NEXT_DAY + "BJ", "-D" + NEXT_DAY + "BJ", "+I" + DAY + "SH");
        assertThat(counts()).extracting(MetricDelta::toString).containsExactly(
                "cases " + NEXT_DAY + "/BJ/collision 1", "cases " + NEXT_DAY + "/BJ/collision -1", "cases " + DAY + "/SH/collision 1");
    }

    @Test
    void aCaseBeyondTheRetentionIsResolvedAtOnceWithWhatIsLeft() throws Exception {
        heartbeats(T, T + 10, "SH", "task-A");
        watermark(T * 1000 + RETENTION.toMillis() + 3_600_000);
        send(chunk("case-old", "c0", T * 1000 + 5_000, T * 1000 + 6_000, 1));

        assertThat(rows()).singleElement().satisfies(r -> {
            assertThat(r.cityCode).as("the context was dropped with the retention").isEqualTo("UNKNOWN");
            assertThat(r.dateKey).isEqualTo(DAY);
        });
    }

    @Test
    void stateAndTimersAreGoneAfterTheRetention() throws Exception {
        long start = T * 1000;
        heartbeats(T - 10, T + 70, "SH", "task-A");
        heartbeats(T + 72, T + 80, "BJ", "task-B"); // a second segment
        send(chunk("case-1", "c0", start, start + 1_000, 1));
        watermark(start + 60_000);
        assertThat(rows()).hasSize(1);
        assertThat(harness.numKeyedStateEntries()).isGreaterThan(0);

        watermark(NEXT_DAY_START * 1000 + RETENTION.toMillis() + 120_000); // the case's day is final
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aPendingCaseSurvivesASnapshotAndRestore() throws Exception {
        long start = T * 1000;
        send(chunk("case-1", "c0", start, start + 1_000, 1));
        heartbeats(T - 5, T + 3, "SH", "task-A");
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        harness.processWatermarkStatus2(WatermarkStatus.IDLE); // the case stream, as in the job
        heartbeats(T + 4, T + 70, "BJ", "task-B");
        send(chunk("case-1", "c1", start + 1_000, start + 2_000, 1));
        send(chunk("case-1", "c0", start, start + 1_000, 1)); // repeated across the restore: dropped
        watermark(start + 60_000);

        assertThat(rows()).singleElement().satisfies(r -> {
            assertThat(r.cityCode).isEqualTo("SH");
            assertThat(r.chunkCount).isEqualTo(2);
        });
    }
}
