package org.dataloop.common.sim;

import java.io.Serializable;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * Settings of the {@link FleetSimulator}. Plain public fields with sane defaults; call {@link #validate()}
 * (the simulator does) to get one clear message naming a bad field.
 */
public class SimulatorConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** 2026-11-20T00:00:00+08:00 (Asia/Shanghai), so a default run starts at local midnight. */
    public static final long DEFAULT_START_EPOCH_SECOND =
            ZonedDateTime.of(2026, 11, 20, 0, 0, 0, 0, ZoneId.of("Asia/Shanghai")).toEpochSecond();

    /** Highest hard-brake rate: brakes live in slots of at least 40 s (see {@link FleetSimulator}). */
    public static final double MAX_HARD_BRAKES_PER_CAR_HOUR = 90;

    public long seed = 42;
    public int cars = 10;
    /** Epoch seconds of the first heartbeat. */
    public long startEpochSecond = DEFAULT_START_EPOCH_SECOND;
    public long durationSeconds = 3600;
    /** Pose samples per second per car, 5..10. */
    public int poseHz = 10;
    /** Mean length of a driving-mode segment; the mode is drawn anew for every segment. */
    public long meanModeSegmentSeconds = 600;
    /** Share of mode segments that are {@code Auto}. */
    public double autoShare = 0.8;
    /** Mean length of a route segment; a new route (and so area) of the car's city is drawn for each. */
    public long meanRouteSegmentSeconds = 1200;
    /** Mean length of a task (order) segment. */
    public long meanTaskSegmentSeconds = 900;
    /** Injected hard brakes per car and hour, 0..90. */
    public double hardBrakesPerCarHour = 2;
    /** Cases per car and hour. */
    public double casesPerCarHour = 1;
    /** Every Nth heartbeat is emitted twice (an exact copy right after it); 0 = never. */
    public long duplicateEvery = 0;
    /** Every Nth heartbeat is replaced by a malformed (truncated) line; 0 = never. */
    public long malformedEvery = 0;

    public SimulatorConfig() {}

    /** @throws IllegalArgumentException naming the first bad field */
    public SimulatorConfig validate() {
        check(cars >= 1 && cars <= 9999, "cars must be 1..9999, was " + cars);
        check(durationSeconds >= 1, "durationSeconds must be >= 1, was " + durationSeconds);
        // the contract's ts_second range
        check(startEpochSecond >= 946684800L && startEpochSecond + durationSeconds <= 4102444800L,
                "startEpochSecond must put the whole run in 2000..2099, was " + startEpochSecond);
        check(poseHz >= 5 && poseHz <= 10, "poseHz must be 5..10, was " + poseHz);
        check(meanModeSegmentSeconds >= 1, "meanModeSegmentSeconds must be >= 1, was " + meanModeSegmentSeconds);
        check(meanRouteSegmentSeconds >= 1, "meanRouteSegmentSeconds must be >= 1, was " + meanRouteSegmentSeconds);
        check(meanTaskSegmentSeconds >= 1, "meanTaskSegmentSeconds must be >= 1, was " + meanTaskSegmentSeconds);
        check(autoShare >= 0 && autoShare <= 1, "autoShare must be 0..1, was " + autoShare);
        check(hardBrakesPerCarHour >= 0 && hardBrakesPerCarHour <= MAX_HARD_BRAKES_PER_CAR_HOUR,
                "hardBrakesPerCarHour must be 0.." + (int) MAX_HARD_BRAKES_PER_CAR_HOUR + ", was " + hardBrakesPerCarHour);
        check(casesPerCarHour >= 0 && casesPerCarHour <= 360, "casesPerCarHour must be 0..360, was " + casesPerCarHour);
        check(duplicateEvery >= 0, "duplicateEvery must be >= 0, was " + duplicateEvery);
        check(malformedEvery >= 0, "malformedEvery must be >= 0, was " + malformedEvery);
        return this;
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    @Override
    public String toString() {
        return "SimulatorConfig{seed=" + seed + ", cars=" + cars + ", start=" + startEpochSecond
                + ", duration=" + durationSeconds + "s, poseHz=" + poseHz + ", hardBrakes/h=" + hardBrakesPerCarHour
                + ", cases/h=" + casesPerCarHour + ", duplicateEvery=" + duplicateEvery
                + ", malformedEvery=" + malformedEvery + "}";
    }
}
