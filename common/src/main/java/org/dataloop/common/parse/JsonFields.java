package org.dataloop.common.parse;

import java.util.Map;

/**
 * Typed, validated access to the top-level fields of one JSON object (as read by {@link JsonParsers}:
 * String, Long, Double, Boolean, {@link JsonParsers#NESTED} or absent/null). The first broken rule is
 * recorded as ({@code reason}, {@code detail}); later calls are cheap no-ops, so a parser reads every
 * field and then asks {@link #ok()} once.
 */
public final class JsonFields {
    public static final String MISSING_FIELD = "missing_field";
    public static final String BAD_VALUE = "bad_value";

    private final Map<String, Object> fields;
    private String reason;
    private String detail;

    public JsonFields(Map<String, Object> fields) {
        this.fields = fields;
    }

    public boolean ok() { return reason == null; }
    public String reason() { return reason; }
    public String detail() { return detail; }

    private Object field(String name, boolean required) {
        if (reason != null) return null;
        Object v = fields.get(name);
        if (v == null && required) fail(MISSING_FIELD, name + " is required");
        return v;
    }

    private void fail(String reason, String detail) {
        if (this.reason == null) {
            this.reason = reason;
            this.detail = detail;
        }
    }

    private static String kind(Object v) {
        return v == JsonParsers.NESTED ? "an object or array" : v.toString();
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
        Object v = field(name, false);
        if (v == null) return null;
        if (v == JsonParsers.NESTED) {
            fail(BAD_VALUE, name + " must be a string, got " + kind(v));
            return null;
        }
        String s = v.toString();
        // names become keys and codes downstream, where control characters would be ambiguous
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                fail(BAD_VALUE, name + " must not contain control characters");
                return null;
            }
        }
        return s;
    }

    /** A required whole number in [min, maxExclusive). Accepts numeric strings, as producers often send them. */
    public long requiredLong(String name, long min, long maxExclusive) {
        Object v = field(name, true);
        if (v == null) return 0;
        long x;
        if (v instanceof Long l) {
            x = l;
        } else if (v instanceof String s) {
            try {
                x = Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                fail(BAD_VALUE, name + " must be a whole number, got '" + s + "'");
                return 0;
            }
        } else {
            fail(BAD_VALUE, name + " must be a whole number, got " + kind(v));
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
        Object v = field(name, true);
        if (v == null) return 0;
        double x;
        if (v instanceof Double d) {
            x = d;
        } else if (v instanceof Long l) {
            x = l;
        } else if (v instanceof String s) {
            try {
                x = Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                fail(BAD_VALUE, name + " must be a number, got '" + s + "'");
                return 0;
            }
        } else {
            fail(BAD_VALUE, name + " must be a number, got " + kind(v));
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
