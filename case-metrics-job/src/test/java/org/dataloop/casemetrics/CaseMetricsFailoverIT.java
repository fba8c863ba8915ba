package org.dataloop.casemetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.type.TypeReference;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.fluss.server.testutils.FlussClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.event.CaseChunk;
import org.dataloop.common.event.Heartbeat;
import org.dataloop.common.io.FlussTables;
import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.parse.JsonParsers;
import org.dataloop.common.runtime.JobIO;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.sim.FleetSimulator;
import org.dataloop.common.sim.SimulatorConfig;
import org.dataloop.common.tables.CaseMetricsTables;
import org.dataloop.common.testing.Await;
import org.dataloop.common.testing.Failures;
import org.dataloop.common.testing.KafkaTestCluster;
import org.dataloop.common.testing.LakeFixtures;

/**
 * case-metrics-job through failures, on real parts: two task managers, in-JVM Kafka (heartbeat and case-mapping
 * topics of two partitions), Paimon on disk and Fluss's test cluster, parallelism 2, checkpoints every 500 ms. Over
 * 200,000 simulator heartbeats and about 2,400 case chunks (some repeated, some out of order, some broken) the job
 * fails in the snapshot of a checkpoint, at a heartbeat, right after a checkpoint completed, and loses a task
 * manager; every failure comes while input is still unread. The rows it leaves in Paimon and Fluss and the dead
 * letters in Kafka (read_committed) must then be exactly the ones the input gives, computed here by hand from the
 * simulator's data: kilometres per day and city, each case's context (the car's heartbeat nearest to its start),
 * order, chunks and counts, and each broken message once.
 *
 * <p>All input is produced before the job starts, each car's messages in time order and keyed by car, so each
 * partition is in event-time order: no heartbeat is behind the watermark, and none is late after a restore. A last
 * heartbeat per car a day after the run moves the watermark past every case's window and every emission timer (but
 * not past any day's finality, 48 h), so the output is complete and does not depend on timing.
 */
class CaseMetricsFailoverIT {
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    /** 22:00 local on 2026-11-20: the run crosses local midnight. */
    private static final long START = ZonedDateTime.of(2026, 11, 20, 22, 0, 0, 0, ZONE).toEpochSecond();
    private static final int CARS = 20;
    private static final long DURATION = 10_000;
    private static final int MALFORMED_EVERY = 4_999;
    private static final Set<String> DANGEROUS = Set.of("collision", "dangerous");
    private static final String GROUP = "case-metrics-failover";
    private static final String HEARTBEATS = "heartbeat-failover";
    private static final String CASES = "case-mapping-failover";
    private static final String DLQ = "dlq-failover";
    private static final Pattern CAR = Pattern.compile("\"car_id\":\"([^\"]+)\"");

    @RegisterExtension
    static final KafkaTestCluster KAFKA = new KafkaTestCluster();

    @RegisterExtension
    static final FlussClusterExtension FLUSS = FlussClusterExtension.builder().setNumOfTabletServers(1).build();

    /** One slot per task manager: the job at parallelism 2 runs on both, so losing either fails it. */
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(2).setNumberSlotsPerTaskManager(1).build());

    @TempDir
    Path tmp;

    @Test
    void failuresAtFourMomentsLeaveExactlyTheRowsOfTheInput(@InjectMiniCluster MiniCluster cluster) throws Exception {
        long t0 = System.nanoTime();
        SimulatorConfig config = new SimulatorConfig();
        config.cars = CARS;
        config.startEpochSecond = START;
        config.durationSeconds = DURATION;
        config.casesPerCarHour = 20;
        config.duplicateEvery = 1_000;
        config.malformedEvery = MALFORMED_EVERY;
        FleetSimulator sim = new FleetSimulator(config);
        Input input = input(sim);
        log(t0, "input generated");

        for (String topic : List.of(HEARTBEATS, CASES, DLQ)) KAFKA.createTopic(topic, 2);
        produceKeyed(HEARTBEATS, input.heartbeats);
        produceKeyed(CASES, input.chunks);
        log(t0, "input produced: " + input.heartbeats.size() + " heartbeats, " + input.chunks.size() + " case messages");

        JobOptions options = JobRunner.parse(new CaseMetricsJob(), new String[] {
                "--kafka.bootstrap-servers", KAFKA.bootstrapServers(),
                "--kafka.starting-offsets", "earliest",
                "--kafka.group-id", GROUP,
                "--topic.heartbeat", HEARTBEATS,
                "--topic.case_mapping", CASES,
                "--table.dlq", DLQ,
                "--paimon.warehouse", tmp.resolve("warehouse").toUri().toString(),
                "--fluss.bootstrap-servers", FLUSS.getBootstrapServers(),
                "--fluss.database", "failover",
                "--checkpoint.interval", "500 ms",
                "--checkpoint.dir", tmp.resolve("checkpoints").toUri().toString(),
                "--source.max-future", "3650 d", // the simulated days are fixed, whatever the machine's clock says
                "--parallelism", "2",
                "--restart.delay", "100 ms",
                "--restart.max-delay", "1 s"});
        PaimonTables lake = PaimonTables.fromOptions(options);
        Expected expected = expected(sim, input);
        loadDimensions(lake, sim);

        // failures 1 and 2: in the snapshot of checkpoint 3 (case stream's map), at the 50,000th heartbeat
        Failures.Plan heartbeatFailures = Failures.plan().atRecord(50_000);
        Failures.Plan caseFailures = Failures.plan().inSnapshotOf(3);
        long heartbeatTotal = input.heartbeats.size();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new CaseMetricsJob(), options,
                new BothTaps(heartbeatFailures.on("heartbeat"), caseFailures.on("case_mapping")));
        log(t0, "expectations computed, dimensions loaded");
        JobClient job = JobRunner.executeAsync(env, options, "case-metrics-job");
        try {
            Duration deadline = Duration.ofMinutes(5);
            Await.until(deadline, () -> heartbeatFailures.fired() == 1 && caseFailures.fired() == 1 ? true : null);
            long afterTwo = committed(HEARTBEATS);
            log(t0, "failures 1 and 2 fired; heartbeats checkpointed: " + afterTwo);
            assertThat(afterTwo).as("heartbeats checkpointed when the first two failures have fired").isLessThan(heartbeatTotal);

            // failure 3: right after a checkpoint of the restarted job completed (before every sink has committed it)
            Await.until(deadline, () -> running(job) && committed(HEARTBEATS) > afterTwo ? true : null);
            caseFailures.afterCheckpoint(0);
            Await.until(deadline, () -> caseFailures.fired() == 2 ? true : null);
            long afterThree = committed(HEARTBEATS);
            log(t0, "failure 3 fired; heartbeats checkpointed: " + afterThree);

            // failure 4: a task manager is lost, once the restarted job has checkpointed further
            Await.until(deadline, () -> running(job) && committed(HEARTBEATS) > afterThree ? true : null);
            long atLoss = committed(HEARTBEATS);
            assertThat(atLoss).as("heartbeats checkpointed when the task manager is lost").isLessThan(heartbeatTotal);
            Failures.replaceTaskManager(cluster, 0);
            log(t0, "task manager replaced; heartbeats checkpointed: " + atLoss);

            awaitComplete(cluster, job.getJobID(), lake, expected, input);
            log(t0, "output complete");
            assertThat(heartbeatFailures.fired() + caseFailures.fired()).as("injected failures").isEqualTo(3);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

            assertRows("dwd_case_detail", lake.readAll("dwd_case_detail"), CaseMetricsTables.DWD_CASE_DETAIL.primaryKey(), expected.details);
            assertRows("ods_case_mapping", lake.readAll("ods_case_mapping"), CaseMetricsTables.ODS_CASE_MAPPING.primaryKey(), expected.chunks);
            assertRows("dws_daily_mps_mpd", lake.readAll("dws_daily_mps_mpd"), CaseMetricsTables.DWS_DAILY_MPS_MPD.primaryKey(), expected.metrics);
            assertRealtimeMetrics(expected);
            assertDeadLetters(input);
            log(t0, "checked");
        } finally {
            Await.cancelled(job);
        }
    }

    // ------------------------------------------------------------------ input

    /** The messages, as (key, value), each topic in the order produced. */
    private record Input(List<String[]> heartbeats, List<String[]> chunks, List<String> brokenHeartbeats, List<String> brokenChunks) {}

    private static Input input(FleetSimulator sim) {
        List<String[]> heartbeats = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        for (long i = 0; i < sim.heartbeatCount(); i++) {
            String line = sim.heartbeatLine(i);
            Matcher m = CAR.matcher(line);
            heartbeats.add(new String[] {m.find() ? m.group(1) : null, line});
            if (!line.endsWith("}")) broken.add(line);
        }
        // a day after the run, one manual heartbeat per car (so in every partition): the watermark passes every case
        // window and emission timer, no day's finality
        for (int car = 0; car < CARS; car++) {
            String id = FleetSimulator.carId(car);
            heartbeats.add(new String[] {id, "{\"car_id\":\"" + id + "\",\"ts_second\":" + (START + DURATION + 86_400 + car)
                    + ",\"driving_mode\":\"Manual\",\"speed\":0}"});
        }

        List<String> lines = sim.caseMappingLines();
        List<CaseChunk> chunks = sim.caseChunks();
        List<String[]> first = new ArrayList<>();
        List<String[]> last = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            CaseChunk c = chunks.get(i);
            String[] message = {c.carId, lines.get(i)};
            // the first chunk of every fourth case of several chunks comes last: the case is resolved from a later
            // start first, then again (a new first chunk, maybe a new date)
            boolean late = c.chunkId.equals("chunk-0") && Math.floorMod(c.caseId.hashCode(), 4) == 0
                    && chunks.stream().anyMatch(o -> o.caseId.equals(c.caseId) && !o.chunkId.equals("chunk-0"));
            (late ? last : first).add(message);
            if (i % 10 == 3) last.add(message); // repeated chunks
        }
        List<String> brokenChunks = List.of(
                "{\"case_id\":\"broken-1\",",
                "not json at all",
                "{\"case_id\":\"broken-2\",\"chunk_id\":\"c0\",\"start_ts\":1,\"end_ts\":2,\"trigger_type\":\"other\"}", // no car_id
                "{\"case_id\":\"broken-3\",\"chunk_id\":\"c0\",\"car_id\":\"car-0001\",\"start_ts\":5,\"end_ts\":2,\"trigger_type\":\"other\"}");
        List<String[]> all = new ArrayList<>(first);
        for (int i = 0; i < brokenChunks.size(); i++) all.add(all.size() / (brokenChunks.size() + 1) * (i + 1), new String[] {"car-0001", brokenChunks.get(i)});
        all.addAll(last);
        return new Input(heartbeats, all, broken, brokenChunks);
    }

    private static void produceKeyed(String topic, List<String[]> messages) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"); // keeps each partition in send order
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        AtomicReference<Exception> failed = new AtomicReference<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (String[] m : messages) {
                producer.send(new ProducerRecord<>(topic, m[0], m[1]), (md, e) -> {
                    if (e != null) failed.compareAndSet(null, e);
                });
            }
            producer.flush();
        }
        if (failed.get() != null) throw failed.get();
    }

    private static void loadDimensions(PaimonTables lake, FleetSimulator sim) throws Exception {
        LakeFixtures.upsert(lake, "dim_city_area", List.of("city_name", "area_name", "city_code", "area_code"),
                List.of("city_name", "area_name"), strings(sim.dimCityAreaLines()));
        LakeFixtures.upsert(lake, "dim_route", List.of("route_id", "route_code", "route_name"), List.of("route_id"),
                strings(sim.dimRouteLines()));
        LakeFixtures.upsert(lake, "dim_order", List.of("task_id", "order_id", "customer_id"), List.of("task_id"),
                strings(sim.dimOrderLines()));
    }

    private static List<Map<String, String>> strings(List<String> jsonLines) throws Exception {
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : jsonLines) {
            Map<String, Object> row = JsonParsers.MAPPER.readValue(line, new TypeReference<Map<String, Object>>() {});
            Map<String, String> s = new HashMap<>();
            row.forEach((k, v) -> s.put(k, v == null ? null : v.toString()));
            rows.add(s);
        }
        return rows;
    }

    // ------------------------------------------------------------------ expectations, by hand

    private record Expected(Map<String, Map<String, Object>> details, Map<String, Map<String, Object>> chunks,
            Map<String, Map<String, Object>> metrics, long cases, double km) {}

    /**
     * The rows the input gives, from the simulator's own data and the contract: a case's start is its earliest chunk's,
     * its context the car's heartbeat second nearest to it (ties: the earlier; every car sends every second but the
     * malformed ones), its city and area codes from dim_city_area (else the raw names), its route code from dim_route
     * (else the raw id); kilometres are speed / 3600 per autonomous heartbeat, per local date and city code.
     */
    private static Expected expected(FleetSimulator sim, Input input) throws Exception {
        Map<String, Map<String, String>> cityArea = new HashMap<>();
        for (Map<String, String> r : strings(sim.dimCityAreaLines())) cityArea.put(r.get("city_name") + "|" + r.get("area_name"), r);
        Map<String, String> routes = new HashMap<>();
        for (Map<String, String> r : strings(sim.dimRouteLines())) routes.put(r.get("route_id"), r.get("route_code"));
        Map<String, Map<String, String>> orders = new HashMap<>();
        for (Map<String, String> r : strings(sim.dimOrderLines())) orders.put(r.get("task_id"), r);

        // kilometres per date and city code; a group exists from its first autonomous heartbeat
        Map<String, Double> km = new TreeMap<>();
        double totalKm = 0;
        for (long k = 0; k < CARS * DURATION; k++) {
            if ((k + 1) % MALFORMED_EVERY == 0) continue;
            Heartbeat h = sim.heartbeat((int) (k % CARS), START + k / CARS);
            if (!h.drivingMode.equalsIgnoreCase("auto")) continue;
            String group = date(h.tsSecond) + "|" + cityCode(cityArea, h);
            km.merge(group, h.speed / 3600, Double::sum);
            totalKm += h.speed / 3600;
        }

        // chunks: first arrival per (case, chunk); broken ones never arrive
        Map<String, Map<String, Object>> chunkRows = new TreeMap<>();
        Map<String, List<Map<String, Object>>> byCase = new TreeMap<>();
        for (String[] m : input.chunks) {
            if (input.brokenChunks.contains(m[1])) continue;
            Map<String, Object> c = JsonParsers.MAPPER.readValue(m[1], new TypeReference<Map<String, Object>>() {});
            Map<String, Object> row = new LinkedHashMap<>();
            for (String col : List.of("case_id", "chunk_id", "car_id", "start_ts", "end_ts", "trigger_type", "file_path",
                    "file_size", "data_type", "upload_time")) {
                Object v = c.get(col);
                row.put(col, v instanceof Number n ? (Object) n.longValue() : v);
            }
            if (chunkRows.putIfAbsent(c.get("case_id") + "|" + c.get("chunk_id") + "|", row) == null) {
                byCase.computeIfAbsent((String) c.get("case_id"), id -> new ArrayList<>()).add(row);
            }
        }

        Map<String, Map<String, Object>> details = new TreeMap<>();
        Map<String, Map<String, Long>> counts = new TreeMap<>(); // date|city -> trigger -> cases
        for (Map.Entry<String, List<Map<String, Object>>> e : byCase.entrySet()) {
            List<Map<String, Object>> chunks = e.getValue();
            Map<String, Object> first = chunks.stream().min(Comparator.<Map<String, Object>>comparingLong(c -> (Long) c.get("start_ts"))
                    .thenComparing(c -> (String) c.get("chunk_id"))).orElseThrow();
            long start = (Long) first.get("start_ts");
            String car = (String) first.get("car_id");
            long second = contextSecond(car, start);
            Heartbeat h = sim.heartbeat(carIndex(car), second);
            Map<String, String> ca = cityArea.get(h.city + "|" + h.area);
            Map<String, String> order = h.taskId == null ? null : orders.get(h.taskId);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("case_id", e.getKey());
            row.put("car_id", car);
            row.put("date_key", date(Math.floorDiv(start, 1000)));
            row.put("start_ts", start);
            row.put("end_ts", chunks.stream().mapToLong(c -> (Long) c.get("end_ts")).max().orElseThrow());
            row.put("trigger_type", first.get("trigger_type"));
            row.put("data_type", first.get("data_type"));
            row.put("file_path", first.get("file_path"));
            row.put("file_size", chunks.stream().mapToLong(c -> (Long) c.get("file_size")).sum());
            row.put("chunk_count", (long) chunks.size());
            row.put("city_code", cityCode(cityArea, h));
            row.put("area_code", ca == null ? h.area : ca.get("area_code"));
            row.put("route_code", routes.getOrDefault(h.routeId, h.routeId));
            row.put("task_id", h.taskId);
            row.put("order_id", order == null ? null : order.get("order_id"));
            row.put("customer_id", order == null ? null : order.get("customer_id"));
            row.put("context_ts_second", second);
            details.put(e.getKey() + "|", row);
            counts.computeIfAbsent(row.get("date_key") + "|" + row.get("city_code"), g -> new TreeMap<>())
                    .merge((String) row.get("trigger_type"), 1L, Long::sum);
        }

        Map<String, Map<String, Object>> metrics = new TreeMap<>();
        Set<String> groups = new TreeSet<>(km.keySet());
        groups.addAll(counts.keySet());
        for (String group : groups) {
            String[] dateCity = group.split("\\|");
            double groupKm = km.getOrDefault(group, 0.0);
            long all = 0;
            long dangerous = 0;
            for (Map.Entry<String, Long> t : counts.getOrDefault(group, Map.of()).entrySet()) {
                long d = DANGEROUS.contains(t.getKey()) ? t.getValue() : 0;
                all += t.getValue();
                dangerous += d;
                metrics.put(group + "|" + t.getKey() + "|", metric(dateCity, t.getKey(), t.getValue(), d, groupKm));
            }
            metrics.put(group + "|ALL|", metric(dateCity, "ALL", all, dangerous, groupKm));
        }
        return new Expected(details, chunkRows, metrics, byCase.size(), totalKm);
    }

    private static Map<String, Object> metric(String[] dateCity, String trigger, long cases, long dangerous, double km) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("date_key", dateCity[0]);
        row.put("city_code", dateCity[1]);
        row.put("trigger_type", trigger);
        row.put("case_count", cases);
        row.put("dangerous_case_count", dangerous);
        row.put("total_miles", km);
        row.put("mps", km == 0 ? 0.0 : cases * 10_000 / km);
        row.put("mpd", km == 0 ? 0.0 : dangerous * 10_000 / km);
        return row;
    }

    /** The car's heartbeat second nearest to {@code startMs} (ties: the earlier), skipping seconds whose line is malformed. */
    private static long contextSecond(String car, long startMs) {
        long below = Math.floorDiv(startMs, 1000);
        List<Long> candidates = new ArrayList<>();
        for (long s = below - 3; s <= below + 3; s++) candidates.add(s);
        candidates.sort(Comparator.<Long>comparingLong(s -> Math.abs(s * 1000 - startMs)).thenComparingLong(s -> s));
        for (long s : candidates) {
            long k = (s - START) * CARS + carIndex(car);
            if (s >= START && s < START + DURATION && (k + 1) % MALFORMED_EVERY != 0) return s;
        }
        throw new AssertionError("no heartbeat near " + startMs + " for " + car);
    }

    private static int carIndex(String carId) {
        return Integer.parseInt(carId.substring(4)) - 1;
    }

    private static String cityCode(Map<String, Map<String, String>> cityArea, Heartbeat h) {
        Map<String, String> row = cityArea.get(h.city + "|" + h.area);
        return row != null ? row.get("city_code") : h.city;
    }

    private static String date(long epochSecond) {
        return LocalDate.ofInstant(Instant.ofEpochSecond(epochSecond), ZONE).toString();
    }

    // ------------------------------------------------------------------ the job's progress and output

    private static void log(long t0, String what) {
        System.out.printf("CaseMetricsFailoverIT %.1f s: %s%n", (System.nanoTime() - t0) / 1e9, what);
    }

    private static boolean running(JobClient job) throws Exception {
        return job.getJobStatus().get() == JobStatus.RUNNING;
    }

    /** Offsets of a topic the job's consumer group has committed: the input read as of the last completed checkpoint. */
    private static long committed(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        }
    }

    private static long completedCheckpoints(MiniCluster cluster, JobID id) throws Exception {
        return cluster.getExecutionGraph(id).get().getCheckpointStatsSnapshot().getCounts().getNumberOfCompletedCheckpoints();
    }

    /**
     * Waits until a checkpoint has covered all input (the group's committed offsets are at the topics' ends), two
     * more have completed (the last watermark and what it emits are in them), and the lake shows every case and the
     * input's kilometres and case count in its ALL rows.
     */
    private static void awaitComplete(MiniCluster cluster, JobID id, PaimonTables lake, Expected expected, Input input) throws Exception {
        Duration deadline = Duration.ofMinutes(5);
        Await.until(deadline, () -> {
            long hb = committed(HEARTBEATS);
            long cm = committed(CASES);
            Await.seen("committed heartbeats " + hb + "/" + input.heartbeats.size() + ", chunks " + cm + "/" + input.chunks.size());
            return hb == input.heartbeats.size() && cm == input.chunks.size() ? true : null;
        });
        long covered = completedCheckpoints(cluster, id);
        Await.until(deadline, () -> completedCheckpoints(cluster, id) >= covered + 2 ? true : null);
        Await.until(deadline, () -> {
            List<Map<String, Object>> all = lake.tableExists("dws_daily_mps_mpd") ? lake.readAll("dws_daily_mps_mpd").stream()
                    .filter(r -> r.get("trigger_type").equals("ALL")).toList() : List.of();
            long cases = all.stream().mapToLong(r -> (Long) r.get("case_count")).sum();
            double km = all.stream().mapToDouble(r -> (Double) r.get("total_miles")).sum();
            long details = lake.tableExists("dwd_case_detail") ? lake.readAll("dwd_case_detail").size() : 0;
            Await.seen("ALL rows: " + cases + " cases, " + km + " km; " + details + " case details; expected " + expected.cases
                    + " cases, " + expected.km + " km");
            return cases == expected.cases && Math.abs(km - expected.km) < 1e-6 && details == expected.cases ? true : null;
        });
    }

    private static void assertRows(String table, List<Map<String, Object>> actual, List<String> primaryKey,
            Map<String, Map<String, Object>> expected) {
        Map<String, Map<String, Object>> byKey = new TreeMap<>();
        for (Map<String, Object> r : actual) {
            StringBuilder key = new StringBuilder();
            for (String k : primaryKey) key.append(r.get(k)).append('|');
            assertThat(byKey.put(key.toString(), r)).as("%s: one row per key %s", table, key).isNull();
        }
        assertThat(byKey.keySet()).as(table + " keys").containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<String, Map<String, Object>> e : expected.entrySet()) assertRow(table + " " + e.getKey(), byKey.get(e.getKey()), e.getValue());
    }

    /** Every expected column equal (doubles to 1e-9 relative: the job adds the kilometres in another order); update_time ignored. */
    private static void assertRow(String what, Map<String, Object> actual, Map<String, Object> expected) {
        assertThat(actual).as(what).isNotNull();
        for (Map.Entry<String, Object> c : expected.entrySet()) {
            Object a = actual.get(c.getKey());
            if (c.getValue() instanceof Double d) {
                assertThat(((Number) a).doubleValue()).as("%s %s", what, c.getKey()).isCloseTo(d, within(Math.max(1e-9, Math.abs(d) * 1e-9)));
            } else {
                assertThat(a).as("%s %s", what, c.getKey()).isEqualTo(c.getValue());
            }
        }
    }

    /** Fluss: every expected row, and no other trigger type of any (date, city) group (a delete that did not arrive). */
    private static void assertRealtimeMetrics(Expected expected) {
        Set<String> groups = new TreeSet<>();
        for (Map<String, Object> r : expected.metrics.values()) groups.add(r.get("date_key") + "|" + r.get("city_code"));
        List<String> triggers = new ArrayList<>(List.of(FleetSimulator.TRIGGER_TYPES));
        triggers.add("ALL");
        List<Object[]> keys = new ArrayList<>();
        for (String g : groups) {
            String[] dateCity = g.split("\\|");
            for (String t : triggers) keys.add(new Object[] {dateCity[0], dateCity[1], t});
        }
        List<Map<String, Object>> rows = FlussTables.lookup(FLUSS.getBootstrapServers(), "failover", "realtime_metrics",
                CaseMetricsTables.REALTIME_METRICS, keys);
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i)[0] + "|" + keys.get(i)[1] + "|" + keys.get(i)[2] + "|";
            Map<String, Object> want = expected.metrics.get(key);
            if (want == null) {
                assertThat(rows.get(i)).as("realtime_metrics %s", key).isNull();
            } else {
                assertRow("realtime_metrics " + key, rows.get(i), want);
            }
        }
    }

    /** Kafka, read_committed: each broken message exactly once, with its topic, partition and offset. */
    private static void assertDeadLetters(Input input) throws Exception {
        List<ConsumerRecord<String, String>> records = KAFKA.readRecords(DLQ, true, Duration.ofSeconds(30));
        List<Map<String, Object>> letters = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records) {
            letters.add(JsonParsers.MAPPER.readValue(r.value(), new TypeReference<Map<String, Object>>() {}));
        }
        assertThat(letters).extracting(l -> l.get("topic") + "/" + l.get("partition") + "/" + l.get("offset"))
                .as("each dead letter once").doesNotHaveDuplicates();
        assertThat(letters).filteredOn(l -> Objects.equals(l.get("stream"), "heartbeat")).extracting(l -> (String) l.get("raw"))
                .containsExactlyInAnyOrderElementsOf(input.brokenHeartbeats)
                .allSatisfy(raw -> assertThat(raw).isNotEmpty());
        assertThat(letters).filteredOn(l -> Objects.equals(l.get("stream"), "heartbeat"))
                .allSatisfy(l -> assertThat(l).containsEntry("reason", "malformed_json").containsEntry("topic", HEARTBEATS));
        assertThat(letters).filteredOn(l -> Objects.equals(l.get("stream"), "case_mapping")).extracting(l -> (String) l.get("raw"))
                .containsExactlyInAnyOrderElementsOf(input.brokenChunks);
        assertThat(letters).hasSize(input.brokenHeartbeats.size() + input.brokenChunks.size());
    }

    /** Two taps: each plan's failing map on its stream. */
    private static final class BothTaps implements JobIO.InputTap {
        private static final long serialVersionUID = 1L;
        private final JobIO.InputTap first;
        private final JobIO.InputTap second;

        BothTaps(JobIO.InputTap first, JobIO.InputTap second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public <E> SingleOutputStreamOperator<E> apply(String stream, SingleOutputStreamOperator<E> events) {
            return second.apply(stream, first.apply(stream, events));
        }
    }
}
