package org.dataloop.casemetrics;

import java.util.Objects;

import org.dataloop.common.event.EnrichedHeartbeat;

/**
 * State: a run of consecutive heartbeat seconds of one car with the same context. A car's context changes
 * rarely, so a day of 1 Hz heartbeats is a handful of segments instead of 86,400 entries.
 */
public class ContextSegment {
    public long firstSecond;
    public long lastSecond;
    public String cityCode;
    public String areaCode;
    public String routeCode;
    public String taskId;

    public ContextSegment() {}

    static ContextSegment of(EnrichedHeartbeat e) {
        ContextSegment s = new ContextSegment();
        s.firstSecond = e.heartbeat.tsSecond;
        s.lastSecond = e.heartbeat.tsSecond;
        s.cityCode = e.cityCode;
        s.areaCode = e.areaCode;
        s.routeCode = e.routeCode;
        s.taskId = e.heartbeat.taskId;
        return s;
    }

    boolean sameContext(EnrichedHeartbeat e) {
        return Objects.equals(cityCode, e.cityCode) && Objects.equals(areaCode, e.areaCode)
                && Objects.equals(routeCode, e.routeCode) && Objects.equals(taskId, e.heartbeat.taskId);
    }

    boolean contains(long second) {
        return second >= firstSecond && second <= lastSecond;
    }
}
