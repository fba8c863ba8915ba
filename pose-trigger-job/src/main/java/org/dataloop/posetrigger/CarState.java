package org.dataloop.posetrigger;

/** Per-car state of {@link HardBrakeFunction} besides its sample buffer (a Flink POJO). */
public class CarState {
    /** The detector's state. */
    public BrakeState brake = new BrakeState();
    /** The second whose speed tag is being summed, its speed sum and sample count (0: none). */
    public long tagSecond;
    public double tagSpeedSum;
    public int tagSamples;
    /** Event time of the pending state-timeout timer; 0 when none. */
    public long cleanupAt;

    public CarState() {}
}
