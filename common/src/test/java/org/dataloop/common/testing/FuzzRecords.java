package org.dataloop.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.dataloop.common.metrics.JobCounter;

/**
 * Seeded bad input for a stream: each bad message is a valid one with one mutation whose dead-letter reason is known
 * by construction (from the contract's rules and the decisions in docs/conventions.md — strict types, repeated
 * fields, string limits, control characters, a byte order mark, nesting limits — not from our parser), mixed at
 * random positions into the valid ones.
 */
public final class FuzzRecords {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** "1 MB strings": big, yet a whole message stays under Kafka's default 1 MiB request size. */
    private static final int HUGE_CHARS = 1_000_000;
    private static final int MAX_HUGE = 20;

    public enum Kind { STRING, LONG, DOUBLE }

    /** A field of the stream's contract; every LONG field has a lower bound of at least 0 (for upload_time our decision). */
    public record Field(String name, Kind kind, boolean required) {}

    /** One message as sent; {@code reason} is the dead letter it must cause, null for a valid message. */
    public record Message(byte[] value, String reason, String mutation) {}

    /** The contract's fields (section 2), written out here independently of the parsers. */
    public static final List<Field> HEARTBEAT = List.of(
            new Field("car_id", Kind.STRING, true), new Field("ts_second", Kind.LONG, true),
            new Field("driving_mode", Kind.STRING, true), new Field("speed", Kind.DOUBLE, true),
            new Field("road_type", Kind.STRING, false), new Field("task_id", Kind.STRING, false),
            new Field("task_status", Kind.STRING, false), new Field("city", Kind.STRING, false),
            new Field("area", Kind.STRING, false), new Field("route_id", Kind.STRING, false));
    public static final List<Field> POSE = List.of(
            new Field("car_id", Kind.STRING, true), new Field("timestamp_ms", Kind.LONG, true),
            new Field("speed", Kind.DOUBLE, true), new Field("acceleration_longitudinal", Kind.DOUBLE, true),
            new Field("latitude", Kind.DOUBLE, false), new Field("longitude", Kind.DOUBLE, false),
            new Field("acceleration_lateral", Kind.DOUBLE, false), new Field("heading", Kind.DOUBLE, false),
            new Field("angular_velocity", Kind.DOUBLE, false), new Field("steering_angle", Kind.DOUBLE, false),
            new Field("throttle", Kind.DOUBLE, false), new Field("brake", Kind.DOUBLE, false));
    public static final List<Field> CASE_MAPPING = List.of(
            new Field("case_id", Kind.STRING, true), new Field("chunk_id", Kind.STRING, true),
            new Field("car_id", Kind.STRING, true), new Field("start_ts", Kind.LONG, true),
            new Field("end_ts", Kind.LONG, true), new Field("trigger_type", Kind.STRING, true),
            new Field("file_path", Kind.STRING, false), new Field("file_size", Kind.LONG, false),
            new Field("data_type", Kind.STRING, false), new Field("upload_time", Kind.LONG, false));

    private FuzzRecords() {}

    /** The valid messages in order, with {@code bad} mutated copies of random ones inserted at random positions. */
    public static List<Message> mix(List<String> valid, int bad, long seed, List<Field> schema) {
        Random random = new Random(seed);
        TreeMap<Integer, List<Message>> inserts = new TreeMap<>();
        int huge = 0;
        for (int i = 0; i < bad; i++) {
            Message m = mutate(valid.get(random.nextInt(valid.size())), random, schema, huge < MAX_HUGE);
            if (m.mutation().equals("huge string")) huge++;
            inserts.computeIfAbsent(random.nextInt(valid.size() + 1), k -> new ArrayList<>()).add(m);
        }
        List<Message> out = new ArrayList<>(valid.size() + bad);
        for (int i = 0; i <= valid.size(); i++) {
            out.addAll(inserts.getOrDefault(i, List.of()));
            if (i < valid.size()) out.add(new Message(valid.get(i).getBytes(StandardCharsets.UTF_8), null, "valid"));
        }
        return out;
    }

    /**
     * Asserts that each bad message, and no valid one, has exactly one dead letter, with the message's reason, the
     * stream and its own Kafka coordinates (one partition: its offset is its position). Returns the count per mutation.
     */
    public static Map<String, Integer> assertDeadLetters(List<ConsumerRecord<String, String>> deadLetters, List<Message> messages,
            String topic, String stream) throws Exception {
        Map<Long, String> reasonAtOffset = new HashMap<>();
        for (ConsumerRecord<String, String> r : deadLetters) {
            JsonNode d = JSON.readTree(r.value());
            assertThat(d.get("topic").asText()).isEqualTo(topic);
            assertThat(d.get("partition").asInt()).isZero();
            assertThat(d.get("stream").asText()).isEqualTo(stream);
            assertThat(reasonAtOffset.put(d.get("offset").asLong(), d.get("reason").asText())).as("one dead letter per offset").isNull();
        }
        Map<String, Integer> byMutation = new TreeMap<>();
        for (int offset = 0; offset < messages.size(); offset++) {
            Message m = messages.get(offset);
            assertThat(reasonAtOffset.get((long) offset)).as("offset %d (%s)", offset, m.mutation()).isEqualTo(m.reason());
            if (m.reason() != null) byMutation.merge(m.mutation(), 1, Integer::sum);
        }
        return byMutation;
    }

    /** One of the job's counters, from its accumulators (0 before its first increment). */
    public static long count(Map<String, Object> counters, String name, String value) {
        Object n = counters.get(JobCounter.accumulatorName(name, value));
        return n == null ? 0 : (Long) n;
    }

    /** The job's dead letters of every reason, from its accumulators. */
    public static long deadLetterCount(Map<String, Object> counters) {
        return counters.entrySet().stream().filter(e -> e.getKey().startsWith(JobCounter.DEAD_LETTERS + "."))
                .mapToLong(e -> (Long) e.getValue()).sum();
    }

    private static Message mutate(String validJson, Random random, List<Field> schema, boolean hugeAllowed) {
        Map<String, String> fields = fields(validJson); // name -> JSON text of the value
        List<Field> present = schema.stream().filter(f -> fields.containsKey(f.name())).toList();
        Field f = present.get(random.nextInt(present.size()));
        List<Field> required = schema.stream().filter(Field::required).toList();
        Field r = required.get(random.nextInt(required.size()));
        String value = fields.get(f.name());
        switch (random.nextInt(20)) {
            case 0: {
                if (f.kind() == Kind.STRING) return bad(fields, f.name(), "12345", "string sent as a number");
                return bad(fields, f.name(), "\"" + value + "\"", "number sent as a string");
            }
            case 1: return bad(fields, f.name(), "true", "a boolean");
            case 2: return bad(fields, f.name(), "{\"v\":" + value + "}", "an object");
            case 3: return message(text(replace(fields, r.name(), "null")), "missing_field", "required field null");
            case 4: {
                Map<String, String> without = new LinkedHashMap<>(fields);
                without.remove(r.name());
                return message(text(without), "missing_field", "required field missing");
            }
            case 5: {
                // the repeated field comes last: a parser keeping the last value would see a valid record
                String text = text(fields);
                return message(text.substring(0, text.length() - 1) + ",\"" + f.name() + "\":" + value + "}", "bad_value", "repeated field");
            }
            case 6: {
                if (f.kind() == Kind.LONG) return bad(fields, f.name(), "-1", "below the range");
                if (f.kind() == Kind.DOUBLE) return bad(fields, f.name(), "\"" + value + "\"", "number sent as a string");
                boolean huge = hugeAllowed && random.nextInt(10) == 0;
                // beyond the largest column (2048 bytes): 2 bytes per character in UTF-8
                return huge ? bad(fields, f.name(), "\"" + "x".repeat(HUGE_CHARS) + "\"", "huge string")
                        : bad(fields, f.name(), "\"" + "é".repeat(1025 + random.nextInt(300)) + "\"", "long string");
            }
            case 7: {
                String nested = "[".repeat(5000) + "]".repeat(5000);
                return message(text(replace(fields, "deep", nested)), "malformed_json", "deep nesting");
            }
            case 8: {
                byte[] text = text(replace(fields, f.name(), "\"@@\"")).getBytes(StandardCharsets.UTF_8);
                String s = new String(text, StandardCharsets.ISO_8859_1);
                int at = s.indexOf("@@");
                text[at] = (byte) 0xC3; // a lead byte followed by a byte that cannot continue it
                text[at + 1] = (byte) 0x28;
                return new Message(text, "malformed_json", "invalid UTF-8");
            }
            case 9: return message(text(replace(fields, f.name(), random.nextBoolean() ? "NaN" : "-Infinity")), "malformed_json", "NaN literal");
            case 10: {
                if (f.kind() == Kind.STRING) return bad(fields, f.name(), "1e309", "string sent as a number");
                return bad(fields, f.name(), f.kind() == Kind.LONG ? value + ".5" : "1e309", "huge or fractional number");
            }
            case 11: {
                if (f.kind() != Kind.STRING) return bad(fields, f.name(), "\"" + value + "\"", "number sent as a string");
                return bad(fields, f.name(), "\"a\\u0007b\"", "escaped control character");
            }
            case 12: return message(text(replace(fields, f.name(), "\"a\u0007b\"")), "malformed_json", "raw control character");
            case 13: return message("\uFEFF" + text(fields), "malformed_json", "byte order mark");
            case 14: return message(random.nextBoolean() ? "" : " \t ", "malformed_json", "empty");
            case 15: {
                byte[] garbage = new byte[1 + random.nextInt(200)];
                random.nextBytes(garbage);
                garbage[0] = (byte) 0x01; // a control character: never the start of a JSON value
                return new Message(garbage, "malformed_json", "binary garbage");
            }
            case 16: {
                String[] notObjects = {"[1,2]", "42", "\"heartbeat\"", "null", "true"};
                return message(notObjects[random.nextInt(notObjects.length)], "malformed_json", "not an object");
            }
            case 17: {
                String text = text(fields);
                return message(text.substring(0, 1 + random.nextInt(text.length() - 1)), "malformed_json", "truncated");
            }
            case 18: return message(text(fields) + " {}", "malformed_json", "trailing content");
            default: {
                if (f.kind() == Kind.STRING) return bad(fields, f.name(), "\"\\ud800\"", "unpaired surrogate");
                return bad(fields, f.name(), "[" + value + "]", "an array");
            }
        }
    }

    private static Message bad(Map<String, String> fields, String name, String valueJson, String mutation) {
        return message(text(replace(fields, name, valueJson)), "bad_value", mutation);
    }

    private static Message message(String text, String reason, String mutation) {
        return new Message(text.getBytes(StandardCharsets.UTF_8), reason, mutation);
    }

    private static Map<String, String> replace(Map<String, String> fields, String name, String valueJson) {
        Map<String, String> copy = new LinkedHashMap<>(fields);
        copy.put(name, valueJson);
        return copy;
    }

    private static Map<String, String> fields(String json) {
        try {
            Map<String, Object> parsed = JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : parsed.entrySet()) out.put(e.getKey(), JSON.writeValueAsString(e.getValue()));
            return out;
        } catch (Exception e) {
            throw new IllegalArgumentException("not a valid record: " + json, e);
        }
    }

    private static String text(Map<String, String> fields) {
        StringBuilder sb = new StringBuilder("{");
        fields.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return sb.append('}').toString();
    }
}
