package org.dataloop.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.dataloop.heartbeat.HeartbeatTestData.DAY_START;
import static org.dataloop.heartbeat.HeartbeatTestData.NEXT_DAY_START;
import static org.dataloop.heartbeat.HeartbeatTestData.SHANGHAI;
import static org.dataloop.heartbeat.HeartbeatTestData.enriched;

import java.time.Duration;
import java.util.List;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.dataloop.common.ops.KeepWatermark;
import org.dataloop.common.event.DailyAutoRate;
import org.dataloop.common.event.EnrichedHeartbeat;

class DailyAutoRateFunctionTest {
    private static final long HOUR_MS = 3_600_000L;
    private KeyedOneInputStreamOperatorTestHarness<String, EnrichedHeartbeat, DailyAutoRate> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = newHarness();
        harness.open();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, EnrichedHeartbeat, DailyAutoRate> newHarness() throws Exception {
        var fn = new DailyAutoRateFunction(SHANGHAI, Duration.ofHours(1), Duration.ofSeconds(10));
        var h = new KeyedOneInputStreamOperatorTestHarness<String, EnrichedHeartbeat, DailyAutoRate>(
                KeepWatermark.of(fn), e -> e.heartbeat.carId, Types.STRING);
        h.setup(TypeInformation.of(DailyAutoRate.class).createSerializer(h.getExecutionConfig().getSerializerConfig()));
        return h;
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void send(long ts, String mode, double speed, String city) throws Exception {
        harness.processElement(enriched("car-1", ts, mode, speed, city), ts * 1000);
    }

    private List<DailyAutoRate> emitted() {
        return harness.extractOutputValues();
    }

    /**
     * A heartbeat behind the watermark (not late: its day is open) has its emit time behind it too. Its row must come
     * at the next watermark, after the records in between, also right after a restore, when the operator re-applies
     * its kept watermark before any record: one row with both seconds, as in an uninterrupted run.
     */
    @Test
    void aRowPendingBehindTheWatermarkAtACheckpointIsEmittedAsInAnUninterruptedRun() throws Exception {
        long watermark = DAY_START * 1000 + 60_000;
        harness.processWatermark(watermark);
        send(DAY_START + 5, "Auto", 36, "SH"); // emit time DAY_START + 10 s, behind the watermark
        var snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        send(DAY_START + 6, "Auto", 36, "SH");
        harness.processWatermark(watermark + 1_000);
        assertThat(emitted()).extracting(r -> r.totalDurationSeconds).containsExactly(2L);
    }

    @Test
    void computesTheContractsFiguresByHand() throws Exception {
        send(DAY_START + 1, "Auto", 36, "SH");
        send(DAY_START + 2, "auto", 72, "SH");
        send(DAY_START + 3, "Manual", 18, "SH");
        send(DAY_START + 4, "Manual", 0, "SH");
        assertThat(emitted()).isEmpty(); // nothing before the watermark reaches the emit time
        harness.processWatermark(DAY_START * 1000 + 10_000);
        assertThat(emitted()).hasSize(1);
        DailyAutoRate r = emitted().get(0);
        assertThat(r.dateKey).isEqualTo("2026-11-20");
        assertThat(r.cityCode).isEqualTo("SH");
        assertThat(r.carId).isEqualTo("car-1");
        assertThat(r.totalDurationSeconds).isEqualTo(4);
        assertThat(r.autoDurationSeconds).isEqualTo(2);
        assertThat(r.autoRate).isEqualTo(0.5);
        assertThat(r.totalMiles).isCloseTo((36 + 72 + 18) / 3600.0, within(1e-12));
        assertThat(r.autoMiles).isCloseTo((36 + 72) / 3600.0, within(1e-12));
        assertThat(r.version).isEqualTo(1);
    }

    @Test
    void changedGroupsAreReEmittedAsUpdatesAndUnchangedOnesAreNot() throws Exception {
        send(DAY_START + 1, "Auto", 36, "SH");
        send(DAY_START + 2, "Auto", 36, "BJ");
        harness.processWatermark(DAY_START * 1000 + 10_000);
        assertThat(emitted()).extracting(r -> r.cityCode + "/v" + r.version).containsExactlyInAnyOrder("SH/v1", "BJ/v1");
        send(DAY_START + 11, "Manual", 36, "SH");
        harness.processWatermark(DAY_START * 1000 + 20_000);
        assertThat(emitted()).hasSize(3);
        DailyAutoRate update = emitted().get(2);
        assertThat(update.cityCode + "/v" + update.version).isEqualTo("SH/v2");
        assertThat(update.totalDurationSeconds).isEqualTo(2);
        assertThat(update.autoRate).isEqualTo(0.5);
    }

    @Test
    void heartbeatsEitherSideOfLocalMidnightGoToTheirOwnDays() throws Exception {
        send(NEXT_DAY_START - 1, "Auto", 36, "SH");
        send(NEXT_DAY_START, "Manual", 36, "SH");
        harness.processWatermark(NEXT_DAY_START * 1000 + 10_000);
        assertThat(emitted()).extracting(r -> r.dateKey + ":" + r.totalDurationSeconds + "/" + r.autoDurationSeconds)
                .containsExactlyInAnyOrder("2026-11-20:1/1", "2026-11-21:1/0");
    }

    @Test
    void lateButAllowedHeartbeatsUpdateTheDayAndThenItIsFinalWithNoStateLeft() throws Exception {
        send(DAY_START + 100, "Auto", 36, "SH");
        harness.processWatermark(NEXT_DAY_START * 1000 + HOUR_MS - 1); // next day, within the allowed lateness
        assertThat(emitted()).hasSize(1);
        send(DAY_START + 200, "Manual", 36, "SH"); // an allowed late heartbeat
        harness.processWatermark(NEXT_DAY_START * 1000 + HOUR_MS);
        assertThat(emitted()).hasSize(2);
        DailyAutoRate last = emitted().get(1);
        assertThat(last.totalDurationSeconds).isEqualTo(2);
        assertThat(last.version).isEqualTo(2);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void stateSurvivesASnapshotAndRestore() throws Exception {
        send(DAY_START + 1, "Auto", 36, "SH");
        var snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        send(DAY_START + 2, "Manual", 36, "SH");
        harness.processWatermark(DAY_START * 1000 + 10_000);
        assertThat(emitted()).hasSize(1);
        assertThat(emitted().get(0).totalDurationSeconds).isEqualTo(2);
    }
}
