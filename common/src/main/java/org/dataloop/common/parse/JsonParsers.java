package org.dataloop.common.parse;

import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.dataloop.common.event.DeadLetter;

/** The shared steps of every JSON parser: text to object, then the stream's field rules. */
public final class JsonParsers {
    public static final String MALFORMED_JSON = "malformed_json";

    /** Thread-safe once configured; shared by every parser in the JVM. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    /** Epoch seconds from 2000-01-01 (inclusive) to 2100-01-01 (exclusive): the contract's valid time range. */
    public static final long MIN_EPOCH_SECOND = 946_684_800L;
    public static final long MAX_EPOCH_SECOND = 4_102_444_800L;

    private JsonParsers() {}

    /** A valid event with its event time, or the dead letter naming the first broken rule. */
    public record Result<E>(E event, long eventTimeMs) {}

    public static <E> Parsed<E> parse(String job, String stream, String raw, Function<JsonFields, Result<E>> rules) {
        if (raw == null || raw.isBlank()) {
            return Parsed.rejected(DeadLetter.of(job, stream, MALFORMED_JSON, "empty message", raw));
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(raw);
        } catch (JsonProcessingException e) {
            return Parsed.rejected(DeadLetter.of(job, stream, MALFORMED_JSON, firstLine(e.getOriginalMessage()), raw));
        }
        if (node == null || !node.isObject()) {
            return Parsed.rejected(DeadLetter.of(job, stream, MALFORMED_JSON, "not a JSON object", raw));
        }
        JsonFields fields = new JsonFields(node);
        Result<E> result = rules.apply(fields);
        if (!fields.ok()) {
            return Parsed.rejected(DeadLetter.of(job, stream, fields.reason(), fields.detail(), raw));
        }
        return Parsed.valid(result.event(), result.eventTimeMs());
    }

    private static String firstLine(String s) {
        if (s == null) return "unparseable JSON";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
