package org.dataloop.common.event;

/** One vehicle heartbeat (1 Hz per car), as validated from the {@code heartbeat} topic. A Flink POJO. */
public class Heartbeat {
    public String carId;
    /** Epoch seconds. */
    public long tsSecond;
    public String drivingMode;
    /** km/h. */
    public double speed;
    public String roadType;
    public String taskId;
    public String taskStatus;
    public String city;
    public String area;
    public String routeId;

    public Heartbeat() {}

    public long eventTimeMillis() {
        return tsSecond * 1000L;
    }

    @Override
    public String toString() {
        return "Heartbeat{" + carId + "@" + tsSecond + ", " + drivingMode + ", " + speed + " km/h}";
    }
}
