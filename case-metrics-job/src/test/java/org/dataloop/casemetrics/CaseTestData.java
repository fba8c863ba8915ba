package org.dataloop.casemetrics;

import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.dataloop.common.event.CaseChunk;
import org.dataloop.common.event.EnrichedHeartbeat;
import org.dataloop.common.event.Heartbeat;

/** Small builders for case-metrics tests. Times are in Asia/Shanghai. */
final class CaseTestData {
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    /** 2026-11-20 00:00:00 local, epoch seconds. */
    static final long DAY_START = ZonedDateTime.of(2026, 11, 20, 0, 0, 0, 0, SHANGHAI).toEpochSecond();
    static final long NEXT_DAY_START = DAY_START + 86_400;
    static final String DAY = "2026-11-20";
    static final String NEXT_DAY = "2026-11-21";

    private CaseTestData() {}

    /** A de-duplicated, enriched heartbeat of car-1 in city {@code city}, on task {@code task}. */
    static EnrichedHeartbeat heartbeat(long ts, String city, String task) {
        Heartbeat h = new Heartbeat();
        h.carId = "car-1";
        h.tsSecond = ts;
        h.drivingMode = "Auto";
        h.speed = 36;
        h.taskId = task;
        EnrichedHeartbeat e = new EnrichedHeartbeat();
        e.heartbeat = h;
        e.cityCode = city;
        e.areaCode = city + "-area";
        e.routeCode = city + "-route";
        return e;
    }

    static CaseChunk chunk(String caseId, String chunkId, long startMs, long endMs, long size) {
        CaseChunk c = new CaseChunk();
        c.caseId = caseId;
        c.chunkId = chunkId;
        c.carId = "car-1";
        c.startTs = startMs;
        c.endTs = endMs;
        c.triggerType = "collision";
        c.filePath = "s3://cases/" + caseId + "/" + chunkId;
        c.fileSize = size;
        c.dataType = "lidar";
        c.uploadTime = endMs + 600_000;
        return c;
    }
}
