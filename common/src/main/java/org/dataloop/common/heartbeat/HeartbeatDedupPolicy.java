package org.dataloop.common.heartbeat;

import java.time.Duration;
import java.time.ZoneId;

import org.dataloop.common.event.Heartbeat;
import org.dataloop.common.io.RowJson;
import org.dataloop.common.tables.HeartbeatTables;
import org.dataloop.common.ops.DedupPolicy;

/**
 * Heartbeats are unique per (car_id, ts_second), and a second is final once the watermark passes the end
 * of its local day plus the allowed lateness: then its daily row is final and the heartbeat is late.
 */
public final class HeartbeatDedupPolicy implements DedupPolicy<Heartbeat> {
    private static final long serialVersionUID = 1L;

    private final String zone;
    private final long allowedLatenessMs;
    private transient ZoneId zoneId;

    public HeartbeatDedupPolicy(ZoneId zone, Duration allowedLateness) {
        this.zone = zone.getId();
        this.allowedLatenessMs = allowedLateness.toMillis();
    }

    @Override
    public long slot(Heartbeat h) {
        return h.tsSecond;
    }

    @Override
    public long horizonMs(long tsSecond) {
        if (zoneId == null) zoneId = ZoneId.of(zone);
        return AutoRateMath.endOfLocalDayMs(tsSecond, zoneId) + allowedLatenessMs;
    }

    @Override
    public String toJson(Heartbeat h) {
        return new String(RowJson.toJson(HeartbeatTables.ODS_HEARTBEAT, h, false), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String stream() {
        return "heartbeat";
    }
}
