package org.dataloop.common.event;

/** One pose/IMU sample (5-10 Hz per car) from the {@code pose} topic. Optional doubles are null when absent. */
public class PoseSample {
    public String carId;
    /** Epoch milliseconds. */
    public long timestampMs;
    /** km/h. */
    public double speed;
    /** m/s²; negative means decelerating. */
    public double accelerationLongitudinal;
    public Double latitude;
    public Double longitude;
    public Double accelerationLateral;
    public Double heading;
    public Double angularVelocity;
    public Double steeringAngle;
    public Double throttle;
    public Double brake;

    public PoseSample() {}
}
