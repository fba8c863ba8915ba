package org.dataloop.posetrigger;

import java.io.Serializable;
import java.time.Duration;

import org.dataloop.common.config.OptionsException;

/** The hard-brake definition's settings (contract §4 pose-trigger-job); see {@link HardBrakeStateMachine}. */
public final class HardBrakeParams implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A sample is braking when acceleration_longitudinal ≤ −threshold (m/s²). */
    public final double threshold;
    /** Two braking samples further apart than this (ms) are not consecutive. */
    public final long maxSampleGapMs;
    /** Episodes whose gap (next start − previous end, ms) is below this merge. */
    public final long mergeGapMs;
    /** A (merged) episode is a trigger when end − start ≥ this (ms) ... */
    public final long minDurationMs;
    /** ... and the speed of its first sample ≥ this (km/h). */
    public final double minSpeed;

    public HardBrakeParams(double threshold, Duration maxSampleGap, Duration mergeGap, Duration minDuration, double minSpeed) {
        this.threshold = threshold;
        this.maxSampleGapMs = maxSampleGap.toMillis();
        this.mergeGapMs = mergeGap.toMillis();
        this.minDurationMs = minDuration.toMillis();
        this.minSpeed = minSpeed;
        if (!(threshold > 0) || Double.isInfinite(threshold)) {
            throw new OptionsException("bad value for --hard-brake.threshold: '" + threshold + "' (must be > 0)");
        }
        if (!(minSpeed >= 0) || Double.isInfinite(minSpeed)) {
            throw new OptionsException("bad value for --hard-brake.min-speed: '" + minSpeed + "' (must be >= 0)");
        }
        if (maxSampleGapMs < 0 || mergeGapMs < 0 || minDurationMs < 0) {
            throw new OptionsException("hard-brake durations must not be negative");
        }
    }

    /** The contract's defaults: 4.0 m/s², 1 s, 1 s, 200 ms, 5 km/h. */
    public static HardBrakeParams defaults() {
        return new HardBrakeParams(4.0, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(200), 5.0);
    }

    /** How long after its last braking sample an episode may still change: the longer of the two gaps. */
    public long maxOpenMs() {
        return Math.max(mergeGapMs, maxSampleGapMs);
    }
}
