package org.dataloop.common.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.dataloop.common.event.Heartbeat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FleetSimulatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> HEARTBEAT_FIELDS = Set.of("car_id", "ts_second", "driving_mode", "speed",
            "road_type", "task_id", "task_status", "city", "area", "route_id");

    private static SimulatorConfig small() {
        SimulatorConfig c = new SimulatorConfig();
        c.cars = 4;
        c.durationSeconds = 900;
        return c;
    }

    private static List<String> heartbeatLines(FleetSimulator sim) {
        List<String> lines = new ArrayList<>();
        for (long i = 0; i < sim.heartbeatCount(); i++) lines.add(sim.heartbeatLine(i));
        return lines;
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    private static List<JsonNode> parseAll(List<String> lines) {
        return lines.stream().map(FleetSimulatorTest::parse).collect(Collectors.toList());
    }

    @Test
    void sameSeedGivesSameDataAndAnotherSeedDiffers() {
        SimulatorConfig c = small();
        c.duplicateEvery = 10;
        c.malformedEvery = 17;
        FleetSimulator a = new FleetSimulator(c);
        FleetSimulator b = new FleetSimulator(c);
        assertThat(heartbeatLines(a)).isEqualTo(heartbeatLines(b));
        for (long i = 0; i < a.poseCount(); i += 97) assertThat(a.poseLine(i)).isEqualTo(b.poseLine(i));
        assertThat(a.caseMappingLines()).isEqualTo(b.caseMappingLines());
        assertThat(a.injectedBrakes()).isEqualTo(b.injectedBrakes());
        assertThat(a.dimOrderLines()).isEqualTo(b.dimOrderLines());
        assertThat(a.dimCarLines()).isEqualTo(b.dimCarLines());

        c.seed = 43;
        FleetSimulator other = new FleetSimulator(c);
        List<String> x = heartbeatLines(a);
        List<String> y = heartbeatLines(other);
        long differing = LongStream.range(0, x.size()).filter(i -> !x.get((int) i).equals(y.get((int) i))).count();
        assertThat(differing).isGreaterThan(x.size() / 2);
        assertThat(other.caseMappingLines()).isNotEqualTo(a.caseMappingLines());
    }

    @Test
    void linesDoNotDependOnAccessOrderOrThread() {
        SimulatorConfig c = small();
        c.hardBrakesPerCarHour = 30;
        FleetSimulator sim = new FleetSimulator(c);
        List<String> forward = new ArrayList<>();
        for (long i = 0; i < sim.poseCount(); i++) forward.add(sim.poseLine(i));
        FleetSimulator fresh = new FleetSimulator(c);
        for (long i = sim.poseCount() - 1; i >= 0; i -= 7) assertThat(fresh.poseLine(i)).isEqualTo(forward.get((int) i));
        List<String> parallel = LongStream.range(0, sim.poseCount()).parallel().mapToObj(fresh::poseLine)
                .collect(Collectors.toList());
        assertThat(parallel).isEqualTo(forward);
    }

    @Test
    void survivesJavaSerialisationAsAFlinkGeneratorFunctionWould() throws Exception {
        FleetSimulator sim = new FleetSimulator(small());
        sim.poseLine(5); // fills the per-thread memo, which must not travel
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(sim);
        }
        FleetSimulator copy;
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (FleetSimulator) in.readObject();
        }
        for (long i = 0; i < sim.poseCount(); i += 101) assertThat(copy.poseLine(i)).isEqualTo(sim.poseLine(i));
        assertThat(heartbeatLines(copy)).isEqualTo(heartbeatLines(sim));
    }

    @Test
    void heartbeatsComeInTimeOrderOneLinePerCarAndSecond() {
        SimulatorConfig c = small();
        FleetSimulator sim = new FleetSimulator(c);
        assertThat(sim.heartbeatCount()).isEqualTo(c.cars * c.durationSeconds);
        List<JsonNode> rows = parseAll(heartbeatLines(sim));
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = rows.get(i);
            assertThat(r.get("ts_second").asLong()).isEqualTo(c.startEpochSecond + i / c.cars);
            assertThat(r.get("car_id").asText()).isEqualTo(FleetSimulator.carId(i % c.cars));
        }
        assertThat(FleetSimulator.carId(0)).isEqualTo("car-0001");
        assertThat(FleetSimulator.carId(41)).isEqualTo("car-0042");
    }

    @Test
    void duplicatesAndMalformedLinesSitAtTheConfiguredPositions() {
        SimulatorConfig c = small();
        c.durationSeconds = 100;
        FleetSimulator clean = new FleetSimulator(c);
        c.duplicateEvery = 7;
        c.malformedEvery = 11;
        FleetSimulator sim = new FleetSimulator(c);

        List<String> expected = new ArrayList<>();
        for (long k = 0; k < clean.heartbeatCount(); k++) {
            String line = clean.heartbeatLine(k);
            if ((k + 1) % 11 == 0) line = line.substring(0, line.length() / 2);
            expected.add(line);
            if ((k + 1) % 7 == 0) expected.add(line);
        }
        assertThat(sim.heartbeatCount()).isEqualTo(400 + 400 / 7);
        List<String> lines = heartbeatLines(sim);
        assertThat(lines).isEqualTo(expected);

        int malformed = 0;
        for (String line : lines) {
            try {
                JSON.readTree(line);
            } catch (IOException e) {
                malformed++;
            }
        }
        // 36 truncated heartbeats, 5 of which (k+1 = 77, 154, ...) are also duplicated
        assertThat(malformed).isEqualTo(400 / 11 + 400 / 77);
        assertThatThrownBy(() -> sim.heartbeatLine(sim.heartbeatCount())).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void everyHeartbeatIsValidPerContractAndMatchesTheCleanValues() {
        FleetSimulator sim = new FleetSimulator(new SimulatorConfig());
        Map<String, Geography.Route> routes = new HashMap<>();
        for (Geography.Route r : Geography.ROUTES) routes.put(r.id(), r);
        Set<String> modes = new HashSet<>();
        Set<String> statuses = new HashSet<>();
        Set<String> seenRoutes = new HashSet<>();
        Map<String, Set<String>> citiesByCar = new TreeMap<>();
        int stopped = 0;

        for (long i = 0; i < sim.heartbeatCount(); i++) {
            JsonNode r = parse(sim.heartbeatLine(i));
            Set<String> names = new HashSet<>();
            r.fieldNames().forEachRemaining(names::add);
            assertThat(HEARTBEAT_FIELDS).containsAll(names);
            String car = r.get("car_id").asText();
            assertThat(car.length()).isBetween(1, 64);
            long ts = r.get("ts_second").asLong();
            assertThat(ts).isBetween(946684800L, 4102444799L);
            assertThat(r.get("driving_mode").asText()).isIn("Auto", "Manual");
            assertThat(r.get("speed").isNumber()).isTrue();
            double speed = r.get("speed").asDouble();
            assertThat(speed).isBetween(0.0, 120.0);
            if (speed == 0) stopped++;
            assertThat(r.get("road_type").asText()).isIn((Object[]) FleetSimulator.ROAD_TYPES);
            String status = r.get("task_status").asText();
            statuses.add(status);
            assertThat(r.has("task_id")).isEqualTo(!status.equals("idle"));
            Geography.Route route = routes.get(r.get("route_id").asText());
            assertThat(route).isNotNull();
            assertThat(r.get("city").asText()).isEqualTo(route.cityName());
            assertThat(r.get("area").asText()).isEqualTo(route.area());
            modes.add(r.get("driving_mode").asText());
            seenRoutes.add(route.id());
            citiesByCar.computeIfAbsent(car, k -> new HashSet<>()).add(route.cityName());

            Heartbeat h = sim.heartbeat((int) (i % sim.cars()), ts);
            assertThat(h.carId).isEqualTo(car);
            assertThat(h.speed).isEqualTo(speed);
            assertThat(h.drivingMode).isEqualTo(r.get("driving_mode").asText());
            assertThat(h.routeId).isEqualTo(route.id());
            assertThat(h.taskId).isEqualTo(r.has("task_id") ? r.get("task_id").asText() : null);
        }
        assertThat(modes).containsExactlyInAnyOrder("Auto", "Manual");
        assertThat(statuses).contains("idle", "in_progress", "dispatched");
        assertThat(stopped).isPositive();
        // each car stays in one city; the small fleet covers all cities and both deliberate lookup misses
        assertThat(citiesByCar.values()).allSatisfy(s -> assertThat(s).hasSize(1));
        assertThat(citiesByCar.values().stream().flatMap(Set::stream).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(Geography.CITIES);
        assertThat(seenRoutes).contains(Geography.MISSING_ROUTE, "R-GZ-03");
    }

    @Test
    void modesAndRoutesChangeInSegmentsAndSpeedIsSmooth() {
        FleetSimulator sim = new FleetSimulator(new SimulatorConfig());
        Set<String> brakeSeconds = new HashSet<>();
        for (InjectedBrake b : sim.injectedBrakes()) {
            for (long s = b.startTs() / 1000 - 1; s <= b.endTs() / 1000 + 1; s++) brakeSeconds.add(b.carId() + s);
        }
        long modeSwitches = 0;
        long routeSwitches = 0;
        long seconds = sim.config().durationSeconds;
        long start = sim.config().startEpochSecond;
        for (int car = 0; car < sim.cars(); car++) {
            Heartbeat prev = sim.heartbeat(car, start);
            for (long s = start + 1; s < start + seconds; s++) {
                Heartbeat h = sim.heartbeat(car, s);
                if (!h.drivingMode.equals(prev.drivingMode)) modeSwitches++;
                if (!h.routeId.equals(prev.routeId)) routeSwitches++;
                if (!brakeSeconds.contains(h.carId + s)) {
                    assertThat(Math.abs(h.speed - prev.speed)).as("speed step of %s at %d", h.carId, s).isLessThan(10);
                }
                prev = h;
            }
        }
        // mean mode segment 600 s, route segment 1200 s: 10 car-hours give a handful of each, not hundreds
        assertThat(modeSwitches).isBetween(5L, 60L);
        assertThat(routeSwitches).isBetween(3L, 40L);
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 7, 10})
    void injectedBrakesAreExactlyWhatAContractDetectorFinds(int hz) {
        SimulatorConfig c = new SimulatorConfig();
        c.cars = 5;
        c.durationSeconds = 1800;
        c.poseHz = hz;
        c.hardBrakesPerCarHour = 20;
        FleetSimulator sim = new FleetSimulator(c);
        long startMs = c.startEpochSecond * 1000;
        long endMs = startMs + c.durationSeconds * 1000;
        List<InjectedBrake> brakes = sim.injectedBrakes();
        assertThat(sim.poseCount()).isEqualTo((long) c.cars * c.durationSeconds * hz);
        // 10 slots per car, a few may find no speed ≥ 25 km/h
        assertThat(brakes.size()).isBetween(40, 50);

        Map<String, List<JsonNode>> byCar = new TreeMap<>();
        long prevTs = Long.MIN_VALUE;
        for (long i = 0; i < sim.poseCount(); i++) {
            JsonNode p = parse(sim.poseLine(i));
            long ts = p.get("timestamp_ms").asLong();
            assertThat(ts).isGreaterThanOrEqualTo(prevTs).isBetween(startMs, endMs - 1);
            prevTs = ts;
            assertThat(p.get("speed").asDouble()).isBetween(0.0, 120.0);
            assertThat(p.get("latitude").asDouble()).isBetween(-90.0, 90.0);
            assertThat(p.get("longitude").asDouble()).isBetween(-180.0, 180.0);
            assertThat(p.get("heading").asDouble()).isBetween(0.0, 360.0);
            byCar.computeIfAbsent(p.get("car_id").asText(), k -> new ArrayList<>()).add(p);
            if (ts % 1000 == 0) {
                // pose speed at the full second is the heartbeat's speed
                int car = Integer.parseInt(p.get("car_id").asText().substring(4)) - 1;
                assertThat(p.get("speed").asDouble()).isEqualTo(sim.heartbeat(car, ts / 1000).speed);
            }
        }
        assertThat(byCar).hasSize(c.cars);

        Map<String, List<InjectedBrake>> brakesByCar = brakes.stream().collect(Collectors.groupingBy(InjectedBrake::carId));
        for (List<InjectedBrake> list : brakesByCar.values()) {
            for (int i = 0; i < list.size(); i++) {
                InjectedBrake b = list.get(i);
                assertThat(b.durationMs()).isBetween(400L, 1500L);
                assertThat(b.startTs()).isGreaterThanOrEqualTo(startMs + 10_000);
                assertThat(b.endTs()).isLessThanOrEqualTo(endMs - 10_000);
                assertThat(b.speedStart()).isGreaterThanOrEqualTo(20.0);
                if (i > 0) assertThat(b.startTs() - list.get(i - 1).endTs()).isGreaterThanOrEqualTo(5_000);
            }
        }
        for (Map.Entry<String, List<JsonNode>> e : byCar.entrySet()) {
            List<InjectedBrake> mine = brakesByCar.getOrDefault(e.getKey(), List.of());
            for (JsonNode p : e.getValue()) {
                long ts = p.get("timestamp_ms").asLong();
                double acc = p.get("acceleration_longitudinal").asDouble();
                InjectedBrake in = mine.stream().filter(b -> ts >= b.startTs() && ts <= b.endTs()).findFirst().orElse(null);
                if (in != null) {
                    assertThat(acc).as("braking sample %s@%d", e.getKey(), ts).isBetween(-8.0, -5.0);
                    if (ts == in.startTs()) assertThat(p.get("speed").asDouble()).isEqualTo(in.speedStart());
                } else {
                    assertThat(acc).as("sample %s@%d", e.getKey(), ts).isBetween(-2.5, 2.5);
                }
            }
        }

        List<InjectedBrake> detected = new ArrayList<>();
        for (Map.Entry<String, List<JsonNode>> e : byCar.entrySet()) detected.addAll(detect(e.getKey(), e.getValue()));
        assertThat(detected).containsExactlyInAnyOrderElementsOf(brakes);
    }

    /** The contract's hard-brake rule with default options, over one car's samples in time order. */
    private static List<InjectedBrake> detect(String car, List<JsonNode> samples) {
        List<long[]> episodes = new ArrayList<>(); // start, end, index of the first sample
        long[] open = null;
        long lastTs = Long.MIN_VALUE;
        for (int i = 0; i < samples.size(); i++) {
            JsonNode p = samples.get(i);
            long ts = p.get("timestamp_ms").asLong();
            boolean braking = p.get("acceleration_longitudinal").asDouble() <= -4.0;
            if (open != null && (!braking || ts - lastTs > 1000)) {
                episodes.add(open);
                open = null;
            }
            if (braking) {
                if (open == null) open = new long[] {ts, ts, i};
                open[1] = ts;
            }
            lastTs = ts;
        }
        if (open != null) episodes.add(open);
        List<long[]> merged = new ArrayList<>();
        for (long[] ep : episodes) {
            long[] prev = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (prev != null && ep[0] - prev[1] < 1000) prev[1] = ep[1];
            else merged.add(ep);
        }
        List<InjectedBrake> out = new ArrayList<>();
        for (long[] ep : merged) {
            double speedStart = samples.get((int) ep[2]).get("speed").asDouble();
            if (ep[1] - ep[0] >= 200 && speedStart >= 5) out.add(new InjectedBrake(car, ep[0], ep[1], speedStart));
        }
        return out;
    }

    @Test
    void caseChunksFollowTheContract() {
        SimulatorConfig c = new SimulatorConfig();
        c.casesPerCarHour = 6;
        FleetSimulator sim = new FleetSimulator(c);
        long startMs = c.startEpochSecond * 1000;
        long endMs = startMs + c.durationSeconds * 1000;
        List<JsonNode> chunks = parseAll(sim.caseMappingLines());
        Map<String, List<JsonNode>> byCase = new HashMap<>();
        Set<String> keys = new HashSet<>();
        long prevUpload = Long.MIN_VALUE;
        for (JsonNode ch : chunks) {
            for (String f : List.of("case_id", "chunk_id", "car_id", "trigger_type", "file_path", "data_type")) {
                assertThat(ch.get(f).isTextual()).as(f).isTrue();
            }
            long start = ch.get("start_ts").asLong();
            long end = ch.get("end_ts").asLong();
            assertThat(start).isBetween(startMs, endMs);
            assertThat(end).isBetween(start, endMs);
            assertThat(ch.get("upload_time").asLong()).isGreaterThan(end).isGreaterThanOrEqualTo(prevUpload);
            prevUpload = ch.get("upload_time").asLong();
            assertThat(ch.get("file_size").asLong()).isNotNegative();
            assertThat(ch.get("trigger_type").asText()).isIn((Object[]) FleetSimulator.TRIGGER_TYPES);
            assertThat(keys.add(ch.get("case_id").asText() + "/" + ch.get("chunk_id").asText())).isTrue();
            byCase.computeIfAbsent(ch.get("case_id").asText(), k -> new ArrayList<>()).add(ch);
        }
        assertThat(byCase.size()).isBetween(55, 60);
        for (List<JsonNode> parts : byCase.values()) {
            assertThat(parts.size()).isBetween(1, 3);
            assertThat(parts.stream().map(p -> p.get("car_id").asText() + p.get("trigger_type").asText()).distinct()).hasSize(1);
        }
        Set<String> types = chunks.stream().map(ch -> ch.get("trigger_type").asText()).collect(Collectors.toSet());
        assertThat(types).contains("hard_brake", "takeover", "dangerous");
    }

    @Test
    void dimensionsCoverTheFactsExceptTheDeliberateMisses() {
        FleetSimulator sim = new FleetSimulator(new SimulatorConfig());
        List<JsonNode> cars = parseAll(sim.dimCarLines());
        assertThat(cars).hasSize(10);
        assertThat(cars).allSatisfy(r -> {
            assertThat(r.get("car_type").asText()).isIn("robotaxi", "robobus");
            assertThat(r.get("car_model").asText()).isNotEmpty();
            assertThat(r.get("updated_at").isIntegralNumber()).isTrue();
        });
        assertThat(cars.stream().map(r -> r.get("car_id").asText()))
                .containsExactlyElementsOf(LongStream.range(0, 10).mapToObj(i -> FleetSimulator.carId((int) i)).toList());

        List<JsonNode> areas = parseAll(sim.dimCityAreaLines());
        assertThat(areas).hasSize(Geography.ROUTES.length - 1);
        assertThat(areas).noneMatch(r -> r.get("city_name").asText().equals(Geography.MISSING_CITY)
                && r.get("area_name").asText().equals(Geography.MISSING_AREA));
        assertThat(areas).allSatisfy(r -> assertThat(r.get("city_code").asText() + r.get("area_code").asText()).hasSize(12));

        List<JsonNode> routes = parseAll(sim.dimRouteLines());
        assertThat(routes).hasSize(Geography.ROUTES.length - 1);
        assertThat(routes.stream().map(r -> r.get("route_id").asText())).doesNotContain(Geography.MISSING_ROUTE);

        Set<String> orderTasks = parseAll(sim.dimOrderLines()).stream().map(r -> r.get("task_id").asText())
                .collect(Collectors.toSet());
        Set<String> heartbeatTasks = new HashSet<>();
        for (long i = 0; i < sim.heartbeatCount(); i++) {
            JsonNode r = parse(sim.heartbeatLine(i));
            if (r.has("task_id")) heartbeatTasks.add(r.get("task_id").asText());
        }
        assertThat(orderTasks).isEqualTo(heartbeatTasks);
    }

    @Test
    void writeJsonlWritesEveryFileWithTheExpectedLineCounts(@TempDir Path dir) throws IOException {
        SimulatorConfig c = small();
        c.durationSeconds = 300;
        c.duplicateEvery = 50;
        c.malformedEvery = 70;
        c.casesPerCarHour = 12;
        FleetSimulator sim = new FleetSimulator(c);
        sim.writeJsonl(dir);

        Map<String, Long> expected = Map.of(
                "heartbeat.jsonl", 1200L + 24,
                "pose.jsonl", 12_000L,
                "case_mapping.jsonl", (long) sim.caseMappingLines().size(),
                "dim_car.jsonl", 4L,
                "dim_city_area.jsonl", 7L,
                "dim_route.jsonl", 7L,
                "dim_order.jsonl", (long) sim.dimOrderLines().size());
        assertThat(sim.fileLineCounts()).isEqualTo(expected);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(expected.keySet());
        }
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            List<String> lines = Files.readAllLines(dir.resolve(e.getKey()));
            assertThat(lines).as(e.getKey()).hasSize(e.getValue().intValue());
            if (!e.getKey().equals("heartbeat.jsonl")) parseAll(lines);
        }
        assertThat(Files.readAllLines(dir.resolve("heartbeat.jsonl")))
                .isEqualTo(heartbeatLines(sim));
        assertThat(sim.caseMappingLines()).isNotEmpty();
    }

    @Test
    void badConfigIsRejectedNamingTheField() {
        SimulatorConfig c = new SimulatorConfig();
        c.poseHz = 4;
        assertThatThrownBy(() -> new FleetSimulator(c)).hasMessageStartingWith("poseHz");
        SimulatorConfig d = new SimulatorConfig();
        d.hardBrakesPerCarHour = 91;
        assertThatThrownBy(() -> new FleetSimulator(d)).hasMessageStartingWith("hardBrakesPerCarHour");
    }

    @Test
    void defaultStartIsLocalMidnightInShanghai() {
        assertThat(new SimulatorConfig().startEpochSecond)
                .isEqualTo(java.time.OffsetDateTime.parse("2026-11-20T00:00:00+08:00").toEpochSecond());
    }
}
