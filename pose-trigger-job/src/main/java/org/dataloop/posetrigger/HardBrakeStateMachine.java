package org.dataloop.posetrigger;

import java.io.Serializable;

import org.dataloop.common.event.HardBrakeTrigger;
import org.dataloop.common.event.PoseSample;

/**
 * Hard-brake detection for one car, as a pure state machine over its samples in event-time order
 * (contract §4 pose-trigger-job). No Flink in here: the keyed operator feeds it.
 *
 * <ul>
 *   <li>a sample is <i>braking</i> when {@code acceleration_longitudinal ≤ −threshold};</li>
 *   <li>an <i>episode</i> is a maximal run of consecutive braking samples; two samples more than
 *       {@code maxSampleGap} apart are not consecutive, and a non-braking sample between two braking ones
 *       ends the run;</li>
 *   <li>episodes whose gap (next start − previous end) is {@code < mergeGap} merge into one (repeatedly: the
 *       open episode is the merge of every run so far that was close enough to the previous one);</li>
 *   <li>the merged episode is a trigger when {@code end − start ≥ minDuration} and the speed of its first
 *       sample is {@code ≥ minSpeed}; else it is dropped.</li>
 * </ul>
 * An episode is closed, and its trigger returned, as soon as the samples seen prove that it can no longer
 * grow or merge: every sample up to {@link #finalAt} has been fed (by {@link #onSample} or {@link #advanceTo}).
 */
public final class HardBrakeStateMachine implements Serializable {
    private static final long serialVersionUID = 1L;

    private final HardBrakeParams params;

    public HardBrakeStateMachine(HardBrakeParams params) {
        this.params = params;
    }

    public HardBrakeParams params() {
        return params;
    }

    public boolean isBraking(PoseSample s) {
        return s.accelerationLongitudinal <= -params.threshold;
    }

    /**
     * Feeds the car's next sample; timestamps must increase strictly.
     *
     * @return the trigger of an episode this sample closed, or null
     */
    public HardBrakeTrigger onSample(BrakeState st, PoseSample s) {
        long ts = s.timestampMs;
        if (ts <= st.lastTs) {
            throw new IllegalArgumentException("samples must come in strictly increasing time: " + ts + " after " + st.lastTs);
        }
        HardBrakeTrigger closed = null;
        if (isBraking(s)) {
            if (st.active && (continuesRun(st, ts) || ts - st.endTs < params.mergeGapMs)) {
                extend(st, s);
            } else {
                if (st.active) closed = close(st, s.carId);
                begin(st, s);
            }
        }
        st.lastTs = ts;
        if (closed == null && st.active && ts >= finalAt(st)) closed = close(st, s.carId);
        return closed;
    }

    /**
     * Tells the machine that every sample of the car up to and including {@code t} has been fed (e.g. the
     * watermark reached t).
     *
     * @return the trigger of the episode this closed, or null
     */
    public HardBrakeTrigger advanceTo(BrakeState st, String carId, long t) {
        if (st.active && t >= finalAt(st)) return close(st, carId);
        return null;
    }

    /**
     * The time up to which samples must have been seen for the open episode to be final: a later braking
     * sample can no longer merge ({@code next − end ≥ mergeGap}) nor, while the run is open (no non-braking
     * sample after its last braking one), continue it ({@code next − end > maxSampleGap}).
     */
    public long finalAt(BrakeState st) {
        long t = st.endTs + params.mergeGapMs - 1;
        if (st.lastTs == st.endTs) t = Math.max(t, st.endTs + params.maxSampleGapMs);
        return t;
    }

    private boolean continuesRun(BrakeState st, long ts) {
        return st.lastTs == st.endTs && ts - st.endTs <= params.maxSampleGapMs;
    }

    private static void begin(BrakeState st, PoseSample s) {
        st.active = true;
        st.startTs = s.timestampMs;
        st.endTs = s.timestampMs;
        st.peakDecel = -s.accelerationLongitudinal;
        st.speedStart = s.speed;
        st.speedEnd = s.speed;
        st.latitude = s.latitude;
        st.longitude = s.longitude;
        st.sampleCount = 1;
    }

    private static void extend(BrakeState st, PoseSample s) {
        st.endTs = s.timestampMs;
        st.peakDecel = Math.max(st.peakDecel, -s.accelerationLongitudinal);
        st.speedEnd = s.speed;
        st.sampleCount++;
    }

    private HardBrakeTrigger close(BrakeState st, String carId) {
        st.active = false;
        Double latitude = st.latitude;
        Double longitude = st.longitude;
        st.latitude = null;
        st.longitude = null;
        if (st.endTs - st.startTs < params.minDurationMs || st.speedStart < params.minSpeed) return null;
        HardBrakeTrigger t = new HardBrakeTrigger();
        t.triggerId = TriggerIds.hardBrake(carId, st.startTs);
        t.carId = carId;
        t.startTs = st.startTs;
        t.endTs = st.endTs;
        t.durationMs = st.endTs - st.startTs;
        t.peakDecel = st.peakDecel;
        t.speedStart = st.speedStart;
        t.speedEnd = st.speedEnd;
        t.latitude = latitude;
        t.longitude = longitude;
        t.sampleCount = st.sampleCount;
        return t;
    }
}
