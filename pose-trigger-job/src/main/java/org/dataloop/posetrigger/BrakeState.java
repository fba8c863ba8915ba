package org.dataloop.posetrigger;

/**
 * The state of {@link HardBrakeStateMachine} for one car (a Flink POJO, kept in keyed state): the open,
 * possibly merged, episode and the time of the last sample fed.
 */
public class BrakeState {
    /** True while an episode is open (it may still grow or merge). */
    public boolean active;
    /** First and last braking sample of the open episode, epoch ms. */
    public long startTs;
    public long endTs;
    /** Largest deceleration so far, positive m/s². */
    public double peakDecel;
    public double speedStart;
    public double speedEnd;
    public Double latitude;
    public Double longitude;
    /** Braking samples in the episode. */
    public int sampleCount;
    /** Timestamp of the last sample fed (braking or not); Long.MIN_VALUE before the first. */
    public long lastTs = Long.MIN_VALUE;

    public BrakeState() {}
}
