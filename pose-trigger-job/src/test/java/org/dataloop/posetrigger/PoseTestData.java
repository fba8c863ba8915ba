package org.dataloop.posetrigger;

import org.dataloop.common.event.PoseSample;
import org.dataloop.common.sim.SimulatorConfig;

/** Pose samples for tests. */
final class PoseTestData {
    private PoseTestData() {}

    /** 2026-11-20T00:00:00+08:00 in epoch ms: a whole second. */
    static final long T0 = SimulatorConfig.DEFAULT_START_EPOCH_SECOND * 1000;

    static PoseSample pose(String car, long ts, double speed, double accel) {
        PoseSample p = new PoseSample();
        p.carId = car;
        p.timestampMs = ts;
        p.speed = speed;
        p.accelerationLongitudinal = accel;
        p.latitude = 31.2 + (ts - T0) / 1e7;
        p.longitude = 121.5;
        return p;
    }

    static String json(String car, long ts, double speed, double accel) {
        return "{\"car_id\":\"" + car + "\",\"timestamp_ms\":" + ts + ",\"speed\":" + speed
                + ",\"acceleration_longitudinal\":" + accel + ",\"latitude\":31.2,\"longitude\":121.5}";
    }
}
