package org.dataloop.common.parse;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.dataloop.common.event.DeadLetter;

/** The shared steps of every JSON parser: text to top-level fields, then the stream's field rules. */
public final class JsonParsers {
    public static final String MALFORMED_JSON = "malformed_json";

    /** Thread-safe once configured; shared by every parser in the JVM. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    /** Epoch seconds from 2000-01-01 (inclusive) to 2100-01-01 (exclusive): the contract's valid time range. */
    public static final long MIN_EPOCH_SECOND = 946_684_800L;
    public static final long MAX_EPOCH_SECOND = 4_102_444_800L;

    /** The value of a field that holds an object or an array (no input field of ours does). */
    static final Object NESTED = new Object() {
        @Override
        public String toString() {
            return "an object or array";
        }
    };

    /** The value of a field that is JSON {@code null}: absent for the rules, but present for duplicate detection. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /**
     * The UTF-8 size of a code or name: what Doris's {@code VARCHAR(128)} columns hold. Also our bound on strings that
     * reach no Doris column ({@code driving_mode}, {@code road_type}, {@code task_status}): they are state keys or are
     * held in state, and the contract sets no limit.
     */
    public static final int NAME_BYTES = 128;
    /** The contract's limit on {@code car_id}, in characters (code points) ... */
    public static final int CAR_ID_CHARS = 64;
    /** ... which is at most 256 bytes of UTF-8: Doris's {@code car_id VARCHAR(256)}. */
    public static final int CAR_ID_BYTES = 256;
    /** {@code case_id} (Doris's {@code dwd_case_detail.case_id} is {@code VARCHAR(256)}), and {@code chunk_id} alike. */
    public static final int CASE_ID_BYTES = 256;
    /** {@code file_path}: {@code VARCHAR(2048)} in Doris. */
    public static final int PATH_BYTES = 2048;

    private JsonParsers() {}

    /** A field that appears twice in one object: a sender's bug, which a user wants to see rather than the last value. */
    static final class RepeatedField extends IOException {
        RepeatedField(String name) {
            super(name + " appears more than once");
        }
    }

    /** A valid event with its event time. */
    public record Result<E>(E event, long eventTimeMs) {}

    public static <E> Parsed<E> parse(String job, String stream, String raw, Function<JsonFields, Result<E>> rules) {
        if (raw == null || raw.isBlank()) {
            return Parsed.rejected(DeadLetter.of(job, stream, MALFORMED_JSON, "empty message", raw));
        }
        Map<String, Object> fields;
        try {
            fields = topLevelFields(raw);
        } catch (RepeatedField e) {
            return Parsed.rejected(DeadLetter.of(job, stream, JsonFields.BAD_VALUE, e.getMessage(), raw));
        } catch (JsonProcessingException e) {
            return Parsed.rejected(DeadLetter.of(job, stream, MALFORMED_JSON, firstLine(e.getOriginalMessage()), raw));
        } catch (IOException e) {
            return Parsed.rejected(DeadLetter.of(job, stream, MALFORMED_JSON, firstLine(e.getMessage()), raw));
        }
        if (fields == null) {
            return Parsed.rejected(DeadLetter.of(job, stream, MALFORMED_JSON, "not a JSON object", raw));
        }
        JsonFields f = new JsonFields(fields);
        Result<E> result = rules.apply(f);
        if (!f.ok()) {
            return Parsed.rejected(DeadLetter.of(job, stream, f.reason(), f.detail(), raw));
        }
        return Parsed.valid(result.event(), result.eventTimeMs());
    }

    /**
     * Streams through one JSON object and keeps its top-level scalars (String, Long, BigInteger, Double, Boolean; nested
     * values as {@link #NESTED}, nulls as {@link #NULL}). Cheaper than a tree: this runs once per input message.
     *
     * @return null when the text is JSON but not an object
     */
    static Map<String, Object> topLevelFields(String raw) throws IOException {
        try (JsonParser p = MAPPER.getFactory().createParser(raw)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                if (p.nextToken() != null) throw new JsonProcessingException("trailing content after the JSON value") {};
                return null;
            }
            Map<String, Object> fields = new HashMap<>(32);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                Object value = switch (t) {
                    case VALUE_STRING -> p.getText();
                    case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                            ? p.getBigIntegerValue() : (Object) p.getLongValue();
                    case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                    case VALUE_TRUE, VALUE_FALSE -> p.getBooleanValue();
                    case VALUE_NULL -> NULL;
                    default -> {
                        p.skipChildren();
                        yield NESTED;
                    }
                };
                if (fields.putIfAbsent(name, value) != null) throw new RepeatedField(name);
            }
            if (p.nextToken() != null) throw new JsonProcessingException("trailing content after the JSON object") {};
            return fields;
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "unparseable JSON";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
