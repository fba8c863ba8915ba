package org.dataloop.posetrigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dataloop.posetrigger.PoseTestData.T0;
import static org.dataloop.posetrigger.PoseTestData.pose;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.dataloop.common.event.HardBrakeTrigger;

/** The hard-brake definition (contract §4) on every boundary it names, with the default settings. */
class HardBrakeStateMachineTest {
    private static final String CAR = "car-1";
    private final HardBrakeStateMachine machine = new HardBrakeStateMachine(HardBrakeParams.defaults());
    private final BrakeState state = new BrakeState();
    private final List<HardBrakeTrigger> triggers = new ArrayList<>();

    /** Feeds (ms after T0, speed, accel) triples. */
    private void feed(double... tsSpeedAccel) {
        for (int i = 0; i < tsSpeedAccel.length; i += 3) {
            HardBrakeTrigger t = machine.onSample(state, pose(CAR, T0 + (long) tsSpeedAccel[i], tsSpeedAccel[i + 1], tsSpeedAccel[i + 2]));
            if (t != null) triggers.add(t);
        }
    }

    private List<HardBrakeTrigger> finish() {
        HardBrakeTrigger t = machine.advanceTo(state, CAR, Long.MAX_VALUE - 1);
        if (t != null) triggers.add(t);
        assertThat(state.active).isFalse();
        return triggers;
    }

    @Test
    void aSampleExactlyAtTheThresholdBrakesAndJustAboveDoesNot() {
        feed(0, 50, -4.0, 100, 48, -4.0, 200, 46, -4.0);
        assertThat(finish()).hasSize(1);
        triggers.clear();
        feed(10_000, 50, -3.999, 10_100, 48, -3.999, 10_200, 46, -3.999);
        assertThat(finish()).isEmpty();
    }

    @Test
    void aTriggerCarriesTheContractsFields() {
        feed(0, 40, -1, 100, 50.5, -4.5, 200, 48, -6.2, 300, 45.25, -5, 400, 44, -1);
        HardBrakeTrigger t = finish().get(0);
        assertThat(t.carId).isEqualTo(CAR);
        assertThat(t.triggerType).isEqualTo("hard_brake");
        assertThat(t.startTs).isEqualTo(T0 + 100);
        assertThat(t.endTs).isEqualTo(T0 + 300);
        assertThat(t.durationMs).isEqualTo(200);
        assertThat(t.peakDecel).isEqualTo(6.2);
        assertThat(t.speedStart).isEqualTo(50.5);
        assertThat(t.speedEnd).isEqualTo(45.25);
        assertThat(t.sampleCount).isEqualTo(3);
        assertThat(t.latitude).isEqualTo(pose(CAR, T0 + 100, 0, 0).latitude);
        assertThat(t.longitude).isEqualTo(121.5);
        assertThat(t.triggerId).isEqualTo(TriggerIds.hardBrake(CAR, T0 + 100)).isNotEqualTo(TriggerIds.hardBrake("car-2", T0 + 100));
    }

    @Test
    void aSingleSampleSpikeIsNoTrigger() {
        feed(0, 50, -1, 100, 50, -9, 200, 50, -1);
        assertThat(finish()).isEmpty();
    }

    @Test
    void minimumDurationExactlyMetTriggersAndJustMissedDoesNot() {
        feed(0, 50, -5, 200, 48, -5);          // 200 ms: met
        feed(5_000, 50, -5, 5_199, 48, -5);    // 199 ms: missed
        assertThat(finish()).extracting(t -> t.startTs - T0).containsExactly(0L);
    }

    @Test
    void crawlingSpeedIsNoTriggerAndTheMinimumSpeedItselfIs() {
        feed(0, 4.99, -5, 100, 4, -5, 200, 3, -5, 300, 2, -5);     // first sample under 5 km/h
        feed(5_000, 5.0, -5, 5_100, 4, -5, 5_200, 3, -5);          // exactly 5 km/h
        assertThat(finish()).extracting(t -> t.startTs - T0).containsExactly(5_000L);
    }

    @Test
    void twoEpisodesMergeAcrossAShortGapButNotAcrossALongOne() {
        // a non-braking sample ends the first run; the next starts 900 ms after its end: merged
        feed(0, 60, -5, 100, 58, -7, 200, 56, -1, 1_000, 54, -5, 1_100, 52, -5, 1_200, 50, -1);
        // 999 ms gap (< merge gap): merged again; then two short runs 1000 ms apart (= merge gap): not merged
        feed(2_099, 48, -5, 2_200, 47, -1, 10_000, 40, -5, 10_100, 39, -5, 10_200, 38, -1,
                11_100, 37, -5, 11_200, 36, -5, 11_300, 35, -5, 11_400, 34, -1);
        List<HardBrakeTrigger> out = finish();
        assertThat(out).hasSize(2);
        HardBrakeTrigger merged = out.get(0);
        assertThat(merged.startTs).isEqualTo(T0);
        assertThat(merged.endTs).isEqualTo(T0 + 2_099);
        assertThat(merged.sampleCount).isEqualTo(5);   // braking samples only
        assertThat(merged.peakDecel).isEqualTo(7.0);
        assertThat(merged.speedStart).isEqualTo(60);
        assertThat(merged.speedEnd).isEqualTo(48);
        // 10_000..10_100 alone is 100 ms: too short, and not merged with 11_100..11_300 (gap = 1000 ms)
        assertThat(out.get(1).startTs).isEqualTo(T0 + 11_100);
        assertThat(out.get(1).durationMs).isEqualTo(200);
    }

    @Test
    void shortRunsThatMergeCanMakeATriggerTogether() {
        feed(0, 50, -5, 100, 50, -1, 150, 49, -5, 250, 49, -1);  // runs [0,0] and [150,150] → [0,150]: 150 ms
        feed(300, 48, -5, 400, 47, -1);                          // and [300,300] → [0,300]
        HardBrakeTrigger t = finish().get(0);
        assertThat(t.durationMs).isEqualTo(300);
        assertThat(t.sampleCount).isEqualTo(3);
    }

    @Test
    void aSamplingGapInsideABrakeUpToTheMaximumKeepsTheRun() {
        // braking samples 1000 ms apart (= max-sample-gap) are consecutive
        feed(0, 50, -5, 1_000, 45, -5, 1_100, 44, -1);
        // 1001 ms apart they are not, and with a 1 s merge gap they do not merge either: two spikes
        feed(10_000, 50, -5, 11_001, 45, -5, 11_100, 44, -1);
        List<HardBrakeTrigger> out = finish();
        assertThat(out).extracting(t -> t.startTs - T0).containsExactly(0L);
        assertThat(out.get(0).durationMs).isEqualTo(1_000);
        assertThat(out.get(0).sampleCount).isEqualTo(2);
    }

    @Test
    void aLongerMaxSampleGapThanMergeGapKeepsAnOpenRunGrowing() {
        HardBrakeStateMachine m = new HardBrakeStateMachine(new HardBrakeParams(4.0, Duration.ofSeconds(3),
                Duration.ofSeconds(1), Duration.ofMillis(200), 5));
        BrakeState st = new BrakeState();
        assertThat(m.onSample(st, pose(CAR, T0, 50, -5))).isNull();
        assertThat(m.finalAt(st)).isEqualTo(T0 + 3_000);          // the open run may still continue
        assertThat(m.advanceTo(st, CAR, T0 + 2_000)).isNull();
        assertThat(m.onSample(st, pose(CAR, T0 + 2_500, 40, -5))).isNull(); // 2.5 s later: same run
        assertThat(m.advanceTo(st, CAR, T0 + 5_500).durationMs).isEqualTo(2_500);
    }

    @Test
    void anEpisodeIsFinalOnlyOnceNothingCanExtendOrMergeIt() {
        feed(0, 50, -5, 100, 48, -5, 200, 46, -5);
        assertThat(machine.finalAt(state)).isEqualTo(T0 + 1_200); // run open: a braking sample at +1200 continues it
        assertThat(machine.advanceTo(state, CAR, T0 + 1_199)).isNull();
        feed(300, 45, -1);                                          // the run ends ...
        assertThat(machine.finalAt(state)).isEqualTo(T0 + 1_199);  // ... but a braking sample at +1199 still merges
        assertThat(machine.advanceTo(state, CAR, T0 + 1_198)).isNull();
        assertThat(state.active).isTrue();
        assertThat(machine.advanceTo(state, CAR, T0 + 1_199)).isNotNull();
        assertThat(machine.advanceTo(state, CAR, T0 + 99_999)).isNull(); // emitted once
    }

    @Test
    void aLaterSampleAloneCanCloseTheEpisode() {
        feed(0, 50, -5, 100, 48, -5, 200, 46, -5, 300, 45, -1);
        assertThat(triggers).isEmpty();
        feed(1_199, 45, 0);
        assertThat(triggers).hasSize(1);
    }

    @Test
    void samplesMustComeInTimeOrder() {
        feed(100, 50, -5);
        assertThatThrownBy(() -> feed(100, 50, -5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> feed(50, 50, -5)).isInstanceOf(IllegalArgumentException.class);
    }
}
