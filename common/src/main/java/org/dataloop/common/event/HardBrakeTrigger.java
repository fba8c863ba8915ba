package org.dataloop.common.event;

/** A detected hard-brake episode, as published on {@code trigger-hard-brake}. Times in epoch ms, speeds km/h. */
public class HardBrakeTrigger {
    public String triggerId;
    public String carId;
    public String triggerType = "hard_brake";
    public long startTs;
    public long endTs;
    public long durationMs;
    /** Largest deceleration of the episode, positive m/s². */
    public double peakDecel;
    public double speedStart;
    public double speedEnd;
    public Double latitude;
    public Double longitude;
    public int sampleCount;

    public HardBrakeTrigger() {}
}
