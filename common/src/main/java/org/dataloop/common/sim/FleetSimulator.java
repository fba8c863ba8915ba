package org.dataloop.common.sim;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

import org.dataloop.common.event.CaseChunk;
import org.dataloop.common.event.Heartbeat;
import org.dataloop.common.event.PoseSample;

/**
 * A deterministic fleet: heartbeats, pose samples, case chunks and dimension snapshots as JSON lines, per
 * the data contract ({@code CONTRACT.md} §2, §3).
 *
 * <p><b>Random access.</b> Every value is a pure function of (seed, car, time): randomness comes from
 * hashing (seed, what, car, segment), never from a sequential {@code Random}. So {@link #heartbeatLine(long)}
 * and {@link #poseLine(long)} map an index straight to a line and can back a parallel Flink
 * {@code DataGeneratorSource}. Lines come in time order: heartbeat index = second × cars + car (plus the
 * duplicates), pose index = (second × poseHz + sample) × cars + car.
 *
 * <p><b>Model.</b> Time is cut into segments whose boundaries are jittered around multiples of a mean
 * length; each segment draws its value from the hash:
 * <ul>
 *   <li>city: fixed per car for a week (cars are spread evenly over Shanghai, Beijing, Guangzhou);</li>
 *   <li>route (and so area) and road type: per route segment, among the city's routes;</li>
 *   <li>driving mode: per mode segment, {@code Auto} with probability {@code autoShare}, else {@code Manual};</li>
 *   <li>task: per task segment; 15% are idle (no task_id, status {@code idle}); else status
 *       {@code dispatched} (first 60 s), {@code in_progress}, {@code completed} (last 10 s);</li>
 *   <li>speed: knots every 30 s with a value drawn by road type (urban stops sometimes), joined by a
 *       smoothstep curve, so |acceleration| stays under 1.7 m/s² (plus 0.1 noise in pose).</li>
 * </ul>
 * Pose positions run round the route's loop (the brake's speed loss is not integrated into the position).
 *
 * <p><b>Hard brakes.</b> Time is cut into slots of 3600 / hardBrakesPerCarHour seconds per car. In each
 * slot one brake starts at a drawn pose sample at least 10.5 s after the slot start and 25 s before its end
 * (or the run's end), where the undisturbed speed is ≥ 25 km/h (up to 8 draws; else the slot has none).
 * Its samples decelerate at 5.2..7.8 m/s² for 400..1500 ms; afterwards the lost speed comes back at
 * 0.7 m/s² (at most ~21 s, inside the slot). So brakes of a car are ≥ 33 s apart, not in the first or last
 * 10 s, and no other sample reaches −4.0 m/s². {@link #injectedBrakes()} lists them.
 *
 * <p><b>Dimensions.</b> See {@link Geography}: area Guangzhou/Nansha is missing from {@code dim_city_area}
 * and route {@code R-SH-03} from {@code dim_route}, so lookups miss for heartbeats there. Every car is in
 * {@code dim_car}, every task of the run in {@code dim_order}. {@code updated_at} is epoch ms.
 */
public final class FleetSimulator implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String[] TRIGGER_TYPES = {"hard_brake", "collision", "dangerous", "takeover", "other"};
    private static final double[] TRIGGER_WEIGHTS = {0.30, 0.05, 0.15, 0.30, 0.20};
    public static final String[] ROAD_TYPES = {"urban", "expressway", "highway"};
    private static final double[] ROAD_WEIGHTS = {0.5, 0.3, 0.2};
    // knot speeds per road type (km/h), and the chance that a knot is a stop
    private static final double[] ROAD_MIN = {15, 40, 60};
    private static final double[] ROAD_MAX = {60, 100, 120};
    private static final double[] ROAD_STOP = {0.25, 0.05, 0};
    private static final String[] DATA_TYPES = {"mcap", "video", "lidar"};
    private static final String[] FILE_EXT = {"mcap", "mp4", "pcd"};

    /** Speed knots every 30 s: even 0 -> 120 km/h between two knots stays under 1.7 m/s². */
    static final long KNOT_MS = 30_000;
    /** How fast speed lost in a brake comes back, m/s²; small enough that accel stays under 2.5 m/s². */
    static final double RECOVERY_MS2 = 0.7;
    /** Recovery takes at most (7.5 + 1.7) m/s² × 1.5 s / 0.7 m/s² ≈ 20 s. */
    static final long RECOVERY_LIMIT_MS = 22_000;
    static final double NOISE_MS2 = 0.1;
    static final double BRAKE_NOISE_MS2 = 0.3;
    static final long CITY_STRETCH_SECONDS = 7 * 86_400L;
    static final long FLEET_OFFSET_SECONDS = 8 * 3600L;
    static final double IDLE_TASK_SHARE = 0.15;
    static final int BRAKE_DRAWS = 8;
    static final double WHEELBASE_M = 2.8;
    static final double STEERING_RATIO = 15;
    static final ZoneId FLEET_ZONE = ZoneId.of("Asia/Shanghai");

    // one salt per random quantity, so they draw from independent streams
    private static final int S_CITY = 1, S_ROUTE_B = 2, S_ROUTE = 3, S_ROAD = 4, S_MODE_B = 5, S_MODE = 6,
            S_TASK_B = 7, S_TASK = 8, S_KNOT = 9, S_KNOT_STOP = 10, S_PHASE = 11, S_BRAKE_T = 12,
            S_BRAKE_D = 13, S_BRAKE_A = 14, S_NOISE = 15, S_LOOP = 16, S_CAR = 17, S_ORDER = 18, S_CUSTOMER = 19,
            S_CASE_T = 20, S_CASE_LEN = 21, S_CASE_N = 22, S_CASE_TYPE = 23, S_CASE_ID = 24, S_CASE_UP = 25,
            S_CHUNK = 26, S_CHUNK_SIZE = 27, SALTS = 28;

    private final SimulatorConfig config;
    /** Per salt, the seed mixed with it: saves a mix on every draw. */
    private final long[] saltSeeds = new long[SALTS];
    private final int cars;
    private final int hz;
    private final long startSec;
    private final long startMs;
    private final long endMs;
    private final long cleanHeartbeats;
    private final long duplicateEvery;
    private final long malformedEvery;
    private final long modeMean;
    private final long routeMean;
    private final long taskMean;
    private final double autoShare;
    /** 0 when no brakes are injected. */
    private final long brakeSlotMs;
    private final long brakeSlots;
    private final String[] carIds;
    private final long[] knotPhaseMs;
    /** Created on first use (also after deserialisation); a race only costs a cache miss. */
    private transient volatile ThreadLocal<BrakeMemo> brakeMemo;

    public FleetSimulator(SimulatorConfig config) {
        config.validate();
        // copy every setting: later changes to the config object must not change the data
        this.config = copy(config);
        long seedHash = mix(config.seed ^ 0x5DEECE66DL);
        for (int salt = 0; salt < SALTS; salt++) saltSeeds[salt] = mix(seedHash + salt * 0x9E3779B97F4A7C15L);
        this.cars = config.cars;
        this.hz = config.poseHz;
        this.startSec = config.startEpochSecond;
        this.startMs = startSec * 1000;
        this.endMs = (startSec + config.durationSeconds) * 1000;
        this.cleanHeartbeats = config.durationSeconds * cars;
        this.duplicateEvery = config.duplicateEvery;
        this.malformedEvery = config.malformedEvery;
        this.modeMean = config.meanModeSegmentSeconds;
        this.routeMean = config.meanRouteSegmentSeconds;
        this.taskMean = config.meanTaskSegmentSeconds;
        this.autoShare = config.autoShare;
        this.brakeSlotMs = config.hardBrakesPerCarHour > 0 ? Math.round(3_600_000 / config.hardBrakesPerCarHour) : 0;
        this.brakeSlots = brakeSlotMs > 0 ? (endMs - startMs + brakeSlotMs - 1) / brakeSlotMs : 0;
        this.carIds = new String[cars];
        this.knotPhaseMs = new long[cars];
        for (int c = 0; c < cars; c++) {
            carIds[c] = carId(c);
            knotPhaseMs[c] = Math.floorMod(bits(S_PHASE, c, 0), KNOT_MS);
        }
    }

    /** {@code car-0001} for car index 0. */
    public static String carId(int car) {
        String n = Integer.toString(car + 1);
        return "car-" + "0000".substring(Math.min(4, n.length())) + n;
    }

    public SimulatorConfig config() {
        return copy(config);
    }

    public int cars() {
        return cars;
    }

    // ---------------------------------------------------------------- heartbeat

    /** Lines including the duplicates (malformed lines replace heartbeats, they add none). */
    public long heartbeatCount() {
        return cleanHeartbeats + (duplicateEvery > 0 ? cleanHeartbeats / duplicateEvery : 0);
    }

    /**
     * The heartbeat line at {@code index} (0 ≤ index < {@link #heartbeatCount()}). Heartbeat k (k = second
     * × cars + car, counting from 0) is followed by an exact copy when (k+1) % duplicateEvery == 0, and is
     * a truncated line when (k+1) % malformedEvery == 0 (then its copy, if any, is truncated too).
     */
    public String heartbeatLine(long index) {
        checkIndex(index, heartbeatCount());
        long k = index;
        if (duplicateEvery > 0) {
            // every block of duplicateEvery heartbeats takes duplicateEvery + 1 lines, the copy last
            long block = index / (duplicateEvery + 1);
            long r = index % (duplicateEvery + 1);
            k = block * duplicateEvery + Math.min(r, duplicateEvery - 1);
        }
        int car = (int) (k % cars);
        String line = heartbeatJson(heartbeat(car, startSec + k / cars));
        if (malformedEvery > 0 && (k + 1) % malformedEvery == 0) return line.substring(0, line.length() / 2);
        return line;
    }

    /** The intended (clean) heartbeat of car index {@code car} (0-based) at epoch second {@code tsSecond}. */
    public Heartbeat heartbeat(int car, long tsSecond) {
        Heartbeat h = new Heartbeat();
        h.carId = carIds[car];
        h.tsSecond = tsSecond;
        h.drivingMode = unit(S_MODE, car, segment(car, tsSecond, modeMean, S_MODE_B)) < autoShare ? "Auto" : "Manual";
        h.speed = round(speedAt(car, tsSecond * 1000), 100);
        long routeSeg = segment(car, tsSecond, routeMean, S_ROUTE_B);
        Geography.Route route = route(car, tsSecond, routeSeg);
        h.roadType = ROAD_TYPES[roadType(car, routeSeg)];
        long taskSeg = segment(car, tsSecond, taskMean, S_TASK_B);
        if (isIdleTask(car, taskSeg)) {
            h.taskStatus = "idle";
        } else {
            h.taskId = taskId(car, taskSeg);
            long since = tsSecond - boundary(car, taskSeg, taskMean, S_TASK_B);
            long until = boundary(car, taskSeg + 1, taskMean, S_TASK_B) - tsSecond;
            h.taskStatus = since < 60 ? "dispatched" : until <= 10 ? "completed" : "in_progress";
        }
        h.city = route.cityName();
        h.area = route.area();
        h.routeId = route.id();
        return h;
    }

    static String heartbeatJson(Heartbeat h) {
        StringBuilder sb = new StringBuilder(224);
        sb.append("{\"car_id\":\"").append(h.carId)
                .append("\",\"ts_second\":").append(h.tsSecond)
                .append(",\"driving_mode\":\"").append(h.drivingMode)
                .append("\",\"speed\":");
        appendFixed(sb, h.speed, 2);
        sb.append(",\"road_type\":\"").append(h.roadType).append('"');
        if (h.taskId != null) sb.append(",\"task_id\":\"").append(h.taskId).append('"');
        sb.append(",\"task_status\":\"").append(h.taskStatus)
                .append("\",\"city\":\"").append(h.city)
                .append("\",\"area\":\"").append(h.area)
                .append("\",\"route_id\":\"").append(h.routeId).append("\"}");
        return sb.toString();
    }

    // ---------------------------------------------------------------- pose

    public long poseCount() {
        return cleanHeartbeats * hz;
    }

    public String poseLine(long index) {
        checkIndex(index, poseCount());
        int car = (int) (index % cars);
        return poseJson(pose(car, startMs + sampleTime(index / cars)));
    }

    /** The pose sample of car index {@code car} at {@code timestampMs} (any ms; lines use the sample grid). */
    public PoseSample pose(int car, long timestampMs) {
        Brake brake = brakeAround(car, timestampMs);
        double speed = speedAt(car, timestampMs, brake);
        double accel;
        if (brake != null && timestampMs >= brake.startTs && timestampMs <= brake.endTs) {
            accel = -(brake.decel + BRAKE_NOISE_MS2 * (2 * unit(S_NOISE, car, timestampMs) - 1));
        } else if (speed <= 0) {
            accel = 0; // standing still
        } else {
            accel = baseAccel(car, timestampMs) + NOISE_MS2 * (2 * unit(S_NOISE, car, timestampMs) - 1);
            if (brake != null && timestampMs > brake.endTs && dropAfter(car, brake, timestampMs) > 0) accel += RECOVERY_MS2;
        }

        // position on the route's loop, by distance driven since the route segment began
        long tSec = Math.floorDiv(timestampMs, 1000);
        long routeSeg = segment(car, tSec, routeMean, S_ROUTE_B);
        Geography.Route route = route(car, tSec, routeSeg);
        long segStartMs = boundary(car, routeSeg, routeMean, S_ROUTE_B) * 1000;
        double theta = 2 * Math.PI * unit(S_LOOP, car, routeSeg) + distanceM(car, segStartMs, timestampMs) / route.radiusM();
        double v = speed / 3.6;

        PoseSample p = new PoseSample();
        p.carId = carIds[car];
        p.timestampMs = timestampMs;
        p.speed = round(speed, 100);
        p.accelerationLongitudinal = round(accel, 1000);
        p.accelerationLateral = round(v * v / route.radiusM(), 1000);
        p.latitude = round(route.lat() + route.radiusM() * Math.sin(theta) / 111_320, 1_000_000);
        p.longitude = round(route.lon() + route.radiusM() * Math.cos(theta)
                / (111_320 * Math.cos(Math.toRadians(route.lat()))), 1_000_000);
        // counter-clockwise round the loop: moving along (-sin, cos) in (east, north)
        p.heading = round((Math.toDegrees(Math.atan2(-Math.sin(theta), Math.cos(theta))) + 360) % 360, 100);
        p.angularVelocity = round(Math.toDegrees(v / route.radiusM()), 1000);
        p.steeringAngle = round(STEERING_RATIO * Math.toDegrees(Math.atan(WHEELBASE_M / route.radiusM())), 100);
        p.throttle = round(accel > 0 ? Math.min(1, 0.1 + accel / 3) : speed > 0 ? 0.05 : 0, 1000);
        p.brake = round(accel < -0.3 ? Math.min(1, -accel / 8) : 0, 1000);
        return p;
    }

    static String poseJson(PoseSample p) {
        StringBuilder sb = new StringBuilder(320);
        sb.append("{\"car_id\":\"").append(p.carId)
                .append("\",\"timestamp_ms\":").append(p.timestampMs)
                .append(",\"speed\":");
        appendFixed(sb, p.speed, 2);
        sb.append(",\"acceleration_longitudinal\":");
        appendFixed(sb, p.accelerationLongitudinal, 3);
        sb.append(",\"acceleration_lateral\":");
        appendFixed(sb, p.accelerationLateral, 3);
        sb.append(",\"latitude\":");
        appendFixed(sb, p.latitude, 6);
        sb.append(",\"longitude\":");
        appendFixed(sb, p.longitude, 6);
        sb.append(",\"heading\":");
        appendFixed(sb, p.heading, 2);
        sb.append(",\"angular_velocity\":");
        appendFixed(sb, p.angularVelocity, 3);
        sb.append(",\"steering_angle\":");
        appendFixed(sb, p.steeringAngle, 2);
        sb.append(",\"throttle\":");
        appendFixed(sb, p.throttle, 3);
        sb.append(",\"brake\":");
        appendFixed(sb, p.brake, 3);
        return sb.append('}').toString();
    }

    /** Every injected hard brake of the run, by start time then car. */
    public List<InjectedBrake> injectedBrakes() {
        List<InjectedBrake> out = new ArrayList<>();
        for (int car = 0; car < cars; car++) {
            for (long slot = 0; slot < brakeSlots; slot++) {
                Brake b = brakeInSlot(car, slot);
                if (b != null) out.add(new InjectedBrake(carIds[car], b.startTs, b.endTs, round(b.v0, 100)));
            }
        }
        out.sort(Comparator.comparingLong(InjectedBrake::startTs).thenComparing(InjectedBrake::carId));
        return out;
    }

    // ---------------------------------------------------------------- cases

    /** Case chunks (1..3 per case, casesPerCarHour per car), in upload order. */
    public List<CaseChunk> caseChunks() {
        List<CaseChunk> out = new ArrayList<>();
        if (config.casesPerCarHour <= 0) return out;
        long slotMs = Math.round(3_600_000 / config.casesPerCarHour);
        for (int car = 0; car < cars; car++) {
            for (long slot = 0; startMs + slot * slotMs < endMs; slot++) {
                long slotStart = startMs + slot * slotMs;
                long slotLen = Math.min(slotStart + slotMs, endMs) - slotStart;
                long len = Math.min(10_000 + Math.floorMod(bits(S_CASE_LEN, car, slot), 50_001), slotLen / 2);
                if (len < 1000) continue;
                long start = slotStart + Math.floorMod(bits(S_CASE_T, car, slot), slotLen - len);
                int chunks = 1 + Math.floorMod(bits(S_CASE_N, car, slot), 3);
                String type = TRIGGER_TYPES[pick(unit(S_CASE_TYPE, car, slot), TRIGGER_WEIGHTS)];
                String caseId = "case-" + hex16(bits(S_CASE_ID, car, slot));
                String day = LocalDate.ofInstant(Instant.ofEpochMilli(start), FLEET_ZONE).toString();
                long upload = start + len + 30_000 + Math.floorMod(bits(S_CASE_UP, car, slot), 1_800_000);
                for (int i = 0; i < chunks; i++) {
                    long draw = slot * 4 + i;
                    int dt = Math.floorMod(bits(S_CHUNK, car, draw), DATA_TYPES.length);
                    CaseChunk c = new CaseChunk();
                    c.caseId = caseId;
                    c.chunkId = "chunk-" + i;
                    c.carId = carIds[car];
                    c.startTs = start + i * len / chunks;
                    c.endTs = start + (i + 1) * len / chunks;
                    c.triggerType = type;
                    c.dataType = DATA_TYPES[dt];
                    c.filePath = "s3://dataloop-cases/" + day + "/" + carIds[car] + "/" + caseId + "/" + c.chunkId
                            + "." + FILE_EXT[dt];
                    c.fileSize = 50_000_000L + Math.floorMod(bits(S_CHUNK_SIZE, car, draw), 2_000_000_000L);
                    c.uploadTime = upload + i * 20_000L;
                    out.add(c);
                }
            }
        }
        out.sort(Comparator.comparingLong((CaseChunk c) -> c.uploadTime)
                .thenComparing(c -> c.caseId).thenComparing(c -> c.chunkId));
        return out;
    }

    public List<String> caseMappingLines() {
        List<String> lines = new ArrayList<>();
        for (CaseChunk c : caseChunks()) {
            lines.add("{\"case_id\":\"" + c.caseId + "\",\"chunk_id\":\"" + c.chunkId + "\",\"car_id\":\"" + c.carId
                    + "\",\"start_ts\":" + c.startTs + ",\"end_ts\":" + c.endTs + ",\"trigger_type\":\"" + c.triggerType
                    + "\",\"file_path\":\"" + c.filePath + "\",\"file_size\":" + c.fileSize + ",\"data_type\":\""
                    + c.dataType + "\",\"upload_time\":" + c.uploadTime + "}");
        }
        return lines;
    }

    // ---------------------------------------------------------------- dimensions

    public List<String> dimCarLines() {
        List<String> lines = new ArrayList<>();
        for (int car = 0; car < cars; car++) {
            boolean bus = car % 5 == 4;
            String model = bus ? "DL-RB1" : (Math.floorMod(bits(S_CAR, car, 0), 2) == 0 ? "DL-RT3" : "DL-RT4");
            lines.add("{\"car_id\":\"" + carIds[car] + "\",\"car_type\":\"" + (bus ? "robobus" : "robotaxi")
                    + "\",\"car_model\":\"" + model + "\",\"updated_at\":" + (startMs - (car + 1) * 3_600_000L) + "}");
        }
        return lines;
    }

    /** Every (city, area) but {@value Geography#MISSING_CITY}/{@value Geography#MISSING_AREA}. */
    public List<String> dimCityAreaLines() {
        List<String> lines = new ArrayList<>();
        for (Geography.Route r : Geography.ROUTES) {
            if (!Geography.areaInDimension(r)) continue;
            lines.add("{\"city_name\":\"" + r.cityName() + "\",\"area_name\":\"" + r.area() + "\",\"city_code\":\""
                    + Geography.CITY_CODES[r.city()] + "\",\"area_code\":\"" + r.areaCode() + "\"}");
        }
        return lines;
    }

    /** Every route but {@value Geography#MISSING_ROUTE}. */
    public List<String> dimRouteLines() {
        List<String> lines = new ArrayList<>();
        for (Geography.Route r : Geography.ROUTES) {
            if (!Geography.routeInDimension(r)) continue;
            lines.add("{\"route_id\":\"" + r.id() + "\",\"route_code\":\"" + r.code() + "\",\"route_name\":\""
                    + r.name() + "\"}");
        }
        return lines;
    }

    /** Every task that appears in the run's heartbeats; updated_at is when the task began (epoch ms). */
    public List<String> dimOrderLines() {
        List<String> lines = new ArrayList<>();
        long endSec = endMs / 1000;
        for (int car = 0; car < cars; car++) {
            long last = segment(car, endSec - 1, taskMean, S_TASK_B);
            for (long seg = segment(car, startSec, taskMean, S_TASK_B); seg <= last; seg++) {
                if (isIdleTask(car, seg)) continue;
                lines.add("{\"task_id\":\"" + taskId(car, seg) + "\",\"order_id\":\"ord-"
                        + hex16(bits(S_ORDER, car, seg)).substring(4) + "\",\"customer_id\":\"cust-"
                        + (101 + Math.floorMod(bits(S_CUSTOMER, car, seg), 40)) + "\",\"updated_at\":"
                        + boundary(car, seg, taskMean, S_TASK_B) * 1000 + "}");
            }
        }
        return lines;
    }

    // ---------------------------------------------------------------- files

    /** File name to line count of what {@link #writeJsonl(Path)} writes. */
    public Map<String, Long> fileLineCounts() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("heartbeat.jsonl", heartbeatCount());
        m.put("pose.jsonl", poseCount());
        m.put("case_mapping.jsonl", (long) caseChunks().size());
        m.put("dim_car.jsonl", (long) cars);
        m.put("dim_city_area.jsonl", (long) dimCityAreaLines().size());
        m.put("dim_route.jsonl", (long) dimRouteLines().size());
        m.put("dim_order.jsonl", (long) dimOrderLines().size());
        return m;
    }

    /** Writes heartbeat, pose, case_mapping and the four dimension snapshots as JSON Lines into {@code dir}. */
    public void writeJsonl(Path dir) throws IOException {
        Files.createDirectories(dir);
        write(dir.resolve("heartbeat.jsonl"), heartbeatCount(), this::heartbeatLine);
        write(dir.resolve("pose.jsonl"), poseCount(), this::poseLine);
        write(dir.resolve("case_mapping.jsonl"), caseMappingLines());
        write(dir.resolve("dim_car.jsonl"), dimCarLines());
        write(dir.resolve("dim_city_area.jsonl"), dimCityAreaLines());
        write(dir.resolve("dim_route.jsonl"), dimRouteLines());
        write(dir.resolve("dim_order.jsonl"), dimOrderLines());
    }

    private static void write(Path file, List<String> lines) throws IOException {
        write(file, lines.size(), i -> lines.get((int) i));
    }

    private static void write(Path file, long count, LongFunction<String> line) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (long i = 0; i < count; i++) {
                w.write(line.apply(i));
                w.write('\n');
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    // ---------------------------------------------------------------- the model

    /** Index of the segment holding {@code t}: boundary j lies in [j·mean, j·mean + mean/2). */
    private long segment(int car, long t, long mean, int salt) {
        long j = Math.floorDiv(t, mean);
        return t < boundary(car, j, mean, salt) ? j - 1 : j;
    }

    private long boundary(int car, long j, long mean, int salt) {
        return j * mean + (long) (unit(salt, car, j) * (mean / 2));
    }

    private int city(int car, long tSec) {
        long stretch = Math.floorDiv(tSec + FLEET_OFFSET_SECONDS, CITY_STRETCH_SECONDS);
        // consecutive cars land in different cities, so a small fleet covers all of them
        return Math.floorMod(car + Math.floorMod(bits(S_CITY, 0, stretch), 3), Geography.CITIES.length);
    }

    private Geography.Route route(int car, long tSec, long routeSeg) {
        int[] routes = Geography.ROUTES_BY_CITY[city(car, tSec)];
        return Geography.ROUTES[routes[Math.floorMod(bits(S_ROUTE, car, routeSeg), routes.length)]];
    }

    private int roadType(int car, long routeSeg) {
        return pick(unit(S_ROAD, car, routeSeg), ROAD_WEIGHTS);
    }

    private boolean isIdleTask(int car, long taskSeg) {
        return unit(S_TASK, car, taskSeg) < IDLE_TASK_SHARE;
    }

    private String taskId(int car, long taskSeg) {
        return "task-" + carIds[car].substring(4) + "-" + taskSeg;
    }

    /** Speed at knot n (time n·30 s + the car's phase), by the road type of that moment. */
    private double knotSpeed(int car, long n) {
        long tSec = Math.floorDiv(n * KNOT_MS + knotPhaseMs[car], 1000);
        int road = roadType(car, segment(car, tSec, routeMean, S_ROUTE_B));
        if (unit(S_KNOT_STOP, car, n) < ROAD_STOP[road]) return 0;
        return ROAD_MIN[road] + (ROAD_MAX[road] - ROAD_MIN[road]) * unit(S_KNOT, car, n);
    }

    /** The undisturbed speed (no brakes), km/h: smoothstep between knots. */
    double baseSpeed(int car, long tMs) {
        long rel = tMs - knotPhaseMs[car];
        long n = Math.floorDiv(rel, KNOT_MS);
        double x = (rel - n * KNOT_MS) / (double) KNOT_MS;
        double va = knotSpeed(car, n);
        return va + (knotSpeed(car, n + 1) - va) * x * x * (3 - 2 * x);
    }

    /** Derivative of {@link #baseSpeed}, m/s². */
    private double baseAccel(int car, long tMs) {
        long rel = tMs - knotPhaseMs[car];
        long n = Math.floorDiv(rel, KNOT_MS);
        double x = (rel - n * KNOT_MS) / (double) KNOT_MS;
        double dv = knotSpeed(car, n + 1) - knotSpeed(car, n);
        return dv * 6 * x * (1 - x) / (KNOT_MS / 1000.0) / 3.6;
    }

    /** Metres driven (undisturbed speed) between two times: the smoothstep integrates to x³ − x⁴/2. */
    private double distanceM(int car, long fromMs, long toMs) {
        double m = 0;
        long t = fromMs;
        long n = Math.floorDiv(t - knotPhaseMs[car], KNOT_MS);
        double va = knotSpeed(car, n);
        while (t < toMs) {
            long knotStart = n * KNOT_MS + knotPhaseMs[car];
            long until = Math.min(toMs, knotStart + KNOT_MS);
            double vb = knotSpeed(car, n + 1);
            double x0 = (t - knotStart) / (double) KNOT_MS;
            double x1 = (until - knotStart) / (double) KNOT_MS;
            double area = va * (x1 - x0) + (vb - va) * (smoothIntegral(x1) - smoothIntegral(x0));
            m += area * KNOT_MS / 1000.0 / 3.6;
            t = until;
            n++;
            va = vb;
        }
        return m;
    }

    private static double smoothIntegral(double x) {
        return x * x * x - x * x * x * x / 2;
    }

    double speedAt(int car, long tMs) {
        return speedAt(car, tMs, brakeAround(car, tMs));
    }

    private double speedAt(int car, long tMs, Brake b) {
        double base = baseSpeed(car, tMs);
        if (b == null || tMs < b.startTs) return base;
        if (tMs <= b.endTs) return b.v0 - b.decel * 3.6 * (tMs - b.startTs) / 1000;
        double drop = dropAfter(car, b, tMs);
        return drop > 0 ? Math.max(0, base - drop) : base;
    }

    /** Speed still missing after a brake, km/h (≤ 0 once recovered, at most ~21 s after it). */
    private double dropAfter(int car, Brake b, long tMs) {
        if (tMs - b.endTs > RECOVERY_LIMIT_MS) return 0;
        double vEnd = b.v0 - b.decel * 3.6 * (b.endTs - b.startTs) / 1000;
        return baseSpeed(car, b.endTs) - vEnd - RECOVERY_MS2 * 3.6 * (tMs - b.endTs) / 1000;
    }

    /** The brake whose slot holds {@code tMs}, if any; its effects never leave its slot. */
    private Brake brakeAround(int car, long tMs) {
        if (brakeSlotMs == 0 || tMs < startMs) return null;
        long slot = (tMs - startMs) / brakeSlotMs;
        if (slot >= brakeSlots) return null;
        // a pure memo: consecutive lines of a car almost always fall in the same slot
        ThreadLocal<BrakeMemo> memo = brakeMemo;
        if (memo == null) brakeMemo = memo = ThreadLocal.withInitial(() -> new BrakeMemo(cars));
        BrakeMemo m = memo.get();
        if (m.slot[car] != slot) {
            m.brake[car] = brakeInSlot(car, slot);
            m.slot[car] = slot;
        }
        return m.brake[car];
    }

    /** Per thread and car: the last brake slot looked up and its brake (null when none). */
    private static final class BrakeMemo {
        final long[] slot;
        final Brake[] brake;

        BrakeMemo(int cars) {
            slot = new long[cars];
            brake = new Brake[cars];
            java.util.Arrays.fill(slot, -1);
        }
    }

    private Brake brakeInSlot(int car, long slot) {
        long slotStart = startMs + slot * brakeSlotMs;
        long slotEnd = Math.min(slotStart + brakeSlotMs, endMs);
        // 10.5 s: aligning down to the sample grid may move back up to 200 ms, and must stay clear of 10 s;
        // 25 s: room for 1.5 s of braking and ~21 s of recovery inside the slot
        long lo = slotStart + 10_500;
        long hi = slotEnd - 25_000;
        if (hi <= lo) return null;
        for (int a = 0; a < BRAKE_DRAWS; a++) {
            long draw = slot * BRAKE_DRAWS + a;
            long g = sampleIndexAtOrBefore(lo + Math.floorMod(bits(S_BRAKE_T, car, draw), hi - lo) - startMs);
            long start = startMs + sampleTime(g);
            double v0 = baseSpeed(car, start);
            if (v0 < 25) continue;
            double decel = 5.5 + 2.0 * unit(S_BRAKE_A, car, draw);
            // brake at most 85% of the way to standstill
            long maxDur = Math.min(1500, (long) (0.85 * v0 / 3.6 / decel * 1000));
            long target = 400 + Math.floorMod(bits(S_BRAKE_D, car, draw), maxDur - 400 + 1);
            while (sampleTime(g + 1) + startMs - start <= target) g++;
            long end = startMs + sampleTime(g);
            if (end - start < 400) end = startMs + sampleTime(g + 1); // at most 600 ms, within maxDur
            return new Brake(start, end, v0, decel);
        }
        return null;
    }

    /** Ms offset (from the run start) of pose sample g of a car: hz samples per second, evenly spread. */
    private long sampleTime(long g) {
        return Math.floorDiv(g, hz) * 1000 + Math.floorMod(g, hz) * 1000L / hz;
    }

    private long sampleIndexAtOrBefore(long offsetMs) {
        long sec = Math.floorDiv(offsetMs, 1000);
        long r = offsetMs - sec * 1000;
        long j = r * hz / 1000;
        while (j + 1 < hz && (j + 1) * 1000 / hz <= r) j++;
        return sec * hz + j;
    }

    private record Brake(long startTs, long endTs, double v0, double decel) {}

    // ---------------------------------------------------------------- hashing and formatting

    /** SplitMix64's finaliser: a good 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private long bits(int salt, long car, long x) {
        return mix(mix(saltSeeds[salt] + car * 0xC2B2AE3D27D4EB4FL) + x * 0x9E3779B97F4A7C15L);
    }

    /** Uniform in [0, 1). */
    private double unit(int salt, long car, long x) {
        return (bits(salt, car, x) >>> 11) * 0x1.0p-53;
    }

    private static int pick(double u, double[] weights) {
        for (int i = 0; i < weights.length - 1; i++) {
            u -= weights[i];
            if (u < 0) return i;
        }
        return weights.length - 1;
    }

    private static double round(double v, double scale) {
        return Math.round(v * scale) / scale;
    }

    private static String hex16(long v) {
        String s = Long.toHexString(v);
        return "0000000000000000".substring(s.length()) + s;
    }

    private static final long[] POW10 = {1, 10, 100, 1000, 10_000, 100_000, 1_000_000};

    /** Appends v with exactly {@code decimals} digits, faster than Double.toString and never exponent form. */
    static void appendFixed(StringBuilder sb, double v, int decimals) {
        long scale = POW10[decimals];
        long n = Math.round(v * scale);
        if (n < 0) {
            sb.append('-');
            n = -n;
        }
        sb.append(n / scale);
        if (decimals == 0) return;
        sb.append('.');
        long frac = n % scale;
        for (long p = scale / 10; p > 0; p /= 10) sb.append((char) ('0' + frac / p % 10));
    }

    private static void checkIndex(long index, long count) {
        if (index < 0 || index >= count) throw new IndexOutOfBoundsException("index " + index + " not in [0, " + count + ")");
    }

    private static SimulatorConfig copy(SimulatorConfig c) {
        SimulatorConfig d = new SimulatorConfig();
        d.seed = c.seed;
        d.cars = c.cars;
        d.startEpochSecond = c.startEpochSecond;
        d.durationSeconds = c.durationSeconds;
        d.poseHz = c.poseHz;
        d.meanModeSegmentSeconds = c.meanModeSegmentSeconds;
        d.autoShare = c.autoShare;
        d.meanRouteSegmentSeconds = c.meanRouteSegmentSeconds;
        d.meanTaskSegmentSeconds = c.meanTaskSegmentSeconds;
        d.hardBrakesPerCarHour = c.hardBrakesPerCarHour;
        d.casesPerCarHour = c.casesPerCarHour;
        d.duplicateEvery = c.duplicateEvery;
        d.malformedEvery = c.malformedEvery;
        return d;
    }
}
