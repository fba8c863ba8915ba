package org.dataloop.heartbeat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import org.dataloop.common.event.Heartbeat;
import org.dataloop.common.sim.FleetSimulator;
import org.dataloop.common.sim.SimulatorConfig;

/**
 * A deterministic heartbeat input for the failure tests and what heartbeat-job must make of it, computed here by hand
 * from the contract (docs/heartbeat-job.md), not with the job's code.
 *
 * <p>Values come from the fleet simulator ({@link FleetSimulator#heartbeat}); the lines are written here. Car c's
 * heartbeats go to partition c % partitions in time order (as a producer keyed by car would), every
 * {@code duplicateEvery}-th line is sent twice in a row, every {@code malformedEvery}-th is cut in half
 * ({@code malformed_json}) and every {@code invalidEvery}-th is a {@code bad_value} (speed 999) or a
 * {@code missing_field} (no driving_mode), alternately. At the end of every partition a "closer" heartbeat two days
 * later pushes the watermark past the end of every day of the fleet's input plus the allowed lateness, so every daily
 * row of those days is final; the closers' own day stays open and has no row.
 */
final class FleetInput {
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    enum Kind {
        HEARTBEAT(null), MALFORMED(MALFORMED_JSON), BAD_VALUE("bad_value"), MISSING_FIELD("missing_field");

        final String reason;

        Kind(String reason) {
            this.reason = reason;
        }
    }

    private static final String MALFORMED_JSON = "malformed_json";

    /** One message; {@code hb} is the heartbeat it carries when it is valid. */
    record Line(int partition, String text, Kind kind, Heartbeat hb) {}

    /** The Kafka coordinates of a produced line. */
    record Produced(Line line, int partition, long offset) {}

    final List<Line> lines = new ArrayList<>();
    final int partitions;
    private Map<String, Heartbeat> ods;

    private FleetInput(int partitions) {
        this.partitions = partitions;
    }

    static FleetInput generate(int cars, long startSecond, long seconds, int partitions, int duplicateEvery, int malformedEvery,
            int invalidEvery, long closerSecond) {
        return generate(cars, startSecond, seconds, partitions, duplicateEvery, malformedEvery, invalidEvery, Long.MAX_VALUE, closerSecond);
    }

    /** As above, with malformed and invalid messages only among the first {@code badBefore} heartbeats. */
    static FleetInput generate(int cars, long startSecond, long seconds, int partitions, int duplicateEvery, int malformedEvery,
            int invalidEvery, long badBefore, long closerSecond) {
        SimulatorConfig config = new SimulatorConfig();
        config.seed = 7;
        config.cars = cars;
        config.startEpochSecond = startSecond;
        config.durationSeconds = seconds;
        FleetSimulator sim = new FleetSimulator(config);
        FleetInput in = new FleetInput(partitions);
        long k = 0;
        int invalid = 0;
        for (long s = 0; s < seconds; s++) {
            for (int car = 0; car < cars; car++, k++) {
                Heartbeat h = sim.heartbeat(car, startSecond + s);
                int p = car % partitions;
                String json = json(h);
                Line line;
                if (k >= badBefore) {
                    line = new Line(p, json, Kind.HEARTBEAT, h);
                } else if (malformedEvery > 0 && (k + 1) % malformedEvery == 0) {
                    line = new Line(p, json.substring(0, json.length() / 2), Kind.MALFORMED, null);
                } else if (invalidEvery > 0 && (k + 1) % invalidEvery == 0) {
                    line = invalid++ % 2 == 0
                            ? new Line(p, json.replaceFirst("\"speed\":[0-9.E]+", "\"speed\":999.0"), Kind.BAD_VALUE, null)
                            : new Line(p, json.replaceFirst("\"driving_mode\":\"[^\"]*\",", ""), Kind.MISSING_FIELD, null);
                } else {
                    line = new Line(p, json, Kind.HEARTBEAT, h);
                }
                in.lines.add(line);
                if (duplicateEvery > 0 && (k + 1) % duplicateEvery == 0) in.lines.add(line);
            }
        }
        for (int p = 0; p < partitions; p++) {
            Heartbeat closer = heartbeat("closer-" + p, closerSecond, "Manual", 0.0);
            in.lines.add(new Line(p, json(closer), Kind.HEARTBEAT, closer));
        }
        return in;
    }

    static Heartbeat heartbeat(String car, long ts, String mode, double speed) {
        Heartbeat h = new Heartbeat();
        h.carId = car;
        h.tsSecond = ts;
        h.drivingMode = mode;
        h.speed = speed;
        h.city = "Shanghai";
        h.area = "Pudong";
        h.routeId = "R-late";
        return h;
    }

    static String json(Heartbeat h) {
        StringBuilder sb = new StringBuilder("{\"car_id\":\"").append(h.carId).append("\",\"ts_second\":").append(h.tsSecond)
                .append(",\"driving_mode\":\"").append(h.drivingMode).append("\",\"speed\":").append(h.speed);
        field(sb, "road_type", h.roadType);
        field(sb, "task_id", h.taskId);
        field(sb, "task_status", h.taskStatus);
        field(sb, "city", h.city);
        field(sb, "area", h.area);
        field(sb, "route_id", h.routeId);
        return sb.append('}').toString();
    }

    private static void field(StringBuilder sb, String name, String value) {
        if (value != null) sb.append(",\"").append(name).append("\":\"").append(value).append('"');
    }

    static String key(Object car, Object ts) {
        return car + "/" + ts;
    }

    static String dateKey(long ts) {
        return Instant.ofEpochSecond(ts).atZone(ZONE).toLocalDate().toString();
    }

    /** Sends the lines to their partitions and waits for every acknowledgement; returns where each line went. */
    static List<Produced> produce(String bootstrapServers, String topic, List<Line> lines) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        List<Future<RecordMetadata>> acks = new ArrayList<>(lines.size());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (Line l : lines) acks.add(producer.send(new ProducerRecord<>(topic, l.partition(), null, l.text())));
            producer.flush();
        }
        List<Produced> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            RecordMetadata m = acks.get(i).get();
            out.add(new Produced(lines.get(i), m.partition(), m.offset()));
        }
        return out;
    }

    /** ods_heartbeat: the first arrival of every valid (car_id, ts_second), by key. */
    Map<String, Heartbeat> expectedOds() {
        if (ods == null) {
            ods = new LinkedHashMap<>();
            for (Line l : lines) {
                if (l.kind() == Kind.HEARTBEAT) ods.putIfAbsent(key(l.hb().carId, l.hb().tsSecond), l.hb());
            }
        }
        return ods;
    }

    /** A dws_daily_auto_rate row as the contract defines it. */
    static final class Daily {
        long total;
        long auto;
        double totalKm;
        double autoKm;
    }

    /**
     * dws_daily_auto_rate, every final row: per (date_key, city_code, area_code, route_code, car_id) — without
     * dimension tables the codes are the raw city, area and route_id — over the de-duplicated heartbeats; the closers'
     * day is not final and has no row.
     */
    Map<String, Daily> expectedDaily() {
        Map<String, Daily> rows = new TreeMap<>();
        for (Heartbeat h : expectedOds().values()) {
            if (h.carId.startsWith("closer-")) continue;
            String group = dailyKey(dateKey(h.tsSecond), orUnknown(h.city), orUnknown(h.area), orUnknown(h.routeId), h.carId);
            Daily d = rows.computeIfAbsent(group, g -> new Daily());
            boolean auto = h.drivingMode.equalsIgnoreCase("auto");
            d.total++;
            d.totalKm += h.speed / 3600.0;
            if (auto) {
                d.auto++;
                d.autoKm += h.speed / 3600.0;
            }
        }
        return rows;
    }

    static String dailyKey(Object date, Object city, Object area, Object route, Object car) {
        return date + "|" + city + "|" + area + "|" + route + "|" + car;
    }

    private static String orUnknown(String s) {
        return s == null ? "UNKNOWN" : s;
    }

    /** The dead letters of the parse step, each once: "reason|partition|offset". */
    static Map<String, Integer> expectedParseDeadLetters(List<Produced> produced) {
        Map<String, Integer> out = new HashMap<>();
        for (Produced p : produced) {
            if (p.line().kind() != Kind.HEARTBEAT) out.merge(p.line().kind().reason + "|" + p.partition() + "|" + p.offset(), 1, Integer::sum);
        }
        return out;
    }
}
