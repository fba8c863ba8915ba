package org.dataloop.casemetrics;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

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

    /** The start of the scenario of the end-to-end tests: 01:00 local on {@link #DAY}, epoch seconds. */
    static final long E2E = DAY_START + 3_600;

    static String heartbeatJson(String car, long ts, String mode, double speed, String city, String area, String task) {
        return "{\"car_id\":\"" + car + "\",\"ts_second\":" + ts + ",\"driving_mode\":\"" + mode + "\",\"speed\":" + speed
                + (city == null ? "" : ",\"city\":\"" + city + "\",\"area\":\"" + area + "\"")
                + (task == null ? "" : ",\"task_id\":\"" + task + "\"") + "}";
    }

    static String chunkJson(String caseId, String chunkId, String car, long startMs, long endMs, String trigger, long size) {
        return "{\"case_id\":\"" + caseId + "\",\"chunk_id\":\"" + chunkId + "\",\"car_id\":\"" + car + "\",\"start_ts\":" + startMs
                + ",\"end_ts\":" + endMs + ",\"trigger_type\":\"" + trigger + "\",\"file_path\":\"s3://cases/" + caseId + "/" + chunkId
                + "\",\"file_size\":" + size + ",\"data_type\":\"lidar\",\"upload_time\":" + (endMs + 600_000) + "}";
    }

    /**
     * The end-to-end scenario's heartbeats. car-1: 60 s autonomous at 36 km/h in Shanghai/Pudong on task-A (0.6 km);
     * car-2: 60 s manual in Shanghai (no km), then 30 s autonomous at 72 km/h in Beijing/Haidian, a city without a
     * dimension row (0.6 km under the raw code "Beijing"); car-9 a manual heartbeat two hours later, which moves
     * event time past every case's window. One duplicate heartbeat.
     */
    static List<String> e2eHeartbeats() {
        List<String> lines = new ArrayList<>();
        for (long s = E2E; s < E2E + 60; s++) lines.add(heartbeatJson("car-1", s, "Auto", 36, "Shanghai", "Pudong", "task-A"));
        lines.add(heartbeatJson("car-1", E2E + 5, "Auto", 36, "Shanghai", "Pudong", "task-A"));
        for (long s = E2E; s < E2E + 60; s++) lines.add(heartbeatJson("car-2", s, "Manual", 72, "Shanghai", "Pudong", null));
        for (long s = E2E + 60; s < E2E + 90; s++) lines.add(heartbeatJson("car-2", s, "auto", 72, "Beijing", "Haidian", null));
        lines.add(heartbeatJson("car-9", E2E + 7_200, "Manual", 0, null, null, null));
        return lines;
    }

    /**
     * The scenario's case chunks: case-1 (car-1, collision, 2 chunks out of order and one repeated), case-2 (car-1,
     * takeover), case-3 (car-2 in Beijing, dangerous), case-4 (car-3, no heartbeats: UNKNOWN), one malformed line.
     */
    static List<String> e2eChunks() {
        long t = E2E * 1000;
        return List.of(
                chunkJson("case-1", "c1", "car-1", t + 20_000, t + 30_000, "collision", 200),
                chunkJson("case-1", "c0", "car-1", t + 10_200, t + 20_000, "collision", 100),
                chunkJson("case-1", "c1", "car-1", t + 20_000, t + 30_000, "collision", 200),
                chunkJson("case-2", "c0", "car-1", t + 40_000, t + 45_000, "takeover", 50),
                chunkJson("case-3", "c0", "car-2", t + 70_000, t + 75_000, "dangerous", 70),
                chunkJson("case-4", "c0", "car-3", t + 10_000, t + 15_000, "other", 10),
                "{\"case_id\":\"case-5\",");
    }

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
