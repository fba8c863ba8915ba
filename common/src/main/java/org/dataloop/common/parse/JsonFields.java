package org.dataloop.common.parse;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Typed, validated access to the fields of one JSON object. The first broken rule is recorded as
 * ({@code reason}, {@code detail}); later calls are cheap no-ops, so a parser reads every field and then
 * asks {@link #ok()} once.
 */
public final class JsonFields {
    public static final String MISSING_FIELD = "missing_field";
    public static final String BAD_VALUE = "bad_value";

    private final JsonNode node;
    private String reason;
    private String detail;

    public JsonFields(JsonNode node) {
        this.node = node;
    }

    public boolean ok() { return reason == null; }
    public String reason() { return reason; }
    public String detail() { return detail; }

    private JsonNode field(String name, boolean required) {
        if (reason != null) return null;
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (required) fail(MISSING_FIELD, name + " is required");
            return null;
        }
        return v;
    }

    private void fail(String reason, String detail) {
        if (this.reason == null) {
            this.reason = reason;
            this.detail = detail;
        }
    }

    /** A required string of minLen..maxLen characters. */
    public String requiredString(String name, int minLen, int maxLen) {
        String s = optionalString(name);
        if (s == null) {
            if (reason == null) fail(MISSING_FIELD, name + " is required");
            return null;
        }
        if (s.length() < minLen || s.length() > maxLen) {
            fail(BAD_VALUE, name + " must have " + minLen + ".." + maxLen + " characters, has " + s.length());
        }
        return s;
    }

    /** An optional string; numbers and booleans are taken as their text. */
    public String optionalString(String name) {
        JsonNode v = field(name, false);
        if (v == null) return null;
        if (!v.isValueNode()) {
            fail(BAD_VALUE, name + " must be a string, got " + v.getNodeType().name().toLowerCase());
            return null;
        }
        return v.asText();
    }

    /** A required whole number in [min, maxExclusive). Accepts numeric strings, as producers often send them. */
    public long requiredLong(String name, long min, long maxExclusive) {
        JsonNode v = field(name, true);
        if (v == null) return 0;
        long x;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            x = v.longValue();
        } else if (v.isTextual()) {
            try {
                x = Long.parseLong(v.textValue().trim());
            } catch (NumberFormatException e) {
                fail(BAD_VALUE, name + " must be a whole number, got '" + v.textValue() + "'");
                return 0;
            }
        } else {
            fail(BAD_VALUE, name + " must be a whole number, got " + v);
            return 0;
        }
        if (x < min || x >= maxExclusive) {
            fail(BAD_VALUE, name + " must be in [" + min + ", " + maxExclusive + "), got " + x);
        }
        return x;
    }

    /** An optional whole number >= min; null when absent. */
    public Long optionalLong(String name, long min) {
        if (field(name, false) == null) return null;
        return requiredLong(name, min, Long.MAX_VALUE);
    }

    /** A required finite number in [min, max]. */
    public double requiredDouble(String name, double min, double max) {
        JsonNode v = field(name, true);
        if (v == null) return 0;
        double x;
        if (v.isNumber()) {
            x = v.doubleValue();
        } else if (v.isTextual()) {
            try {
                x = Double.parseDouble(v.textValue().trim());
            } catch (NumberFormatException e) {
                fail(BAD_VALUE, name + " must be a number, got '" + v.textValue() + "'");
                return 0;
            }
        } else {
            fail(BAD_VALUE, name + " must be a number, got " + v);
            return 0;
        }
        if (!Double.isFinite(x)) {
            fail(BAD_VALUE, name + " must be finite, got " + x);
        } else if (x < min || x > max) {
            fail(BAD_VALUE, name + " must be in [" + min + ", " + max + "], got " + x);
        }
        return x;
    }

    /** An optional finite number in [min, max]; null when absent. */
    public Double optionalDouble(String name, double min, double max) {
        if (field(name, false) == null) return null;
        return requiredDouble(name, min, max);
    }
}
