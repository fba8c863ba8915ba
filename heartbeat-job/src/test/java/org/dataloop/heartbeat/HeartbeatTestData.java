package org.dataloop.heartbeat;

import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.dataloop.common.event.EnrichedHeartbeat;
import org.dataloop.common.event.Heartbeat;

/** Small builders for heartbeat tests. Times are in Asia/Shanghai. */
final class HeartbeatTestData {
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    /** 2026-11-20 00:00:00 local. */
    static final long DAY_START = ZonedDateTime.of(2026, 11, 20, 0, 0, 0, 0, SHANGHAI).toEpochSecond();
    static final long NEXT_DAY_START = DAY_START + 86_400;

    private HeartbeatTestData() {}

    static Heartbeat heartbeat(String car, long ts, String mode, double speed) {
        Heartbeat h = new Heartbeat();
        h.carId = car;
        h.tsSecond = ts;
        h.drivingMode = mode;
        h.speed = speed;
        h.city = "Shanghai";
        h.area = "Pudong";
        h.routeId = "r1";
        return h;
    }

    static EnrichedHeartbeat enriched(String car, long ts, String mode, double speed, String city) {
        EnrichedHeartbeat e = new EnrichedHeartbeat();
        e.heartbeat = heartbeat(car, ts, mode, speed);
        e.cityCode = city;
        e.areaCode = "A1";
        e.routeCode = "R1";
        return e;
    }

    static String json(String car, long ts, String mode, double speed) {
        return "{\"car_id\":\"" + car + "\",\"ts_second\":" + ts + ",\"driving_mode\":\"" + mode + "\",\"speed\":" + speed
                + ",\"city\":\"Shanghai\",\"area\":\"Pudong\",\"route_id\":\"r1\"}";
    }
}
