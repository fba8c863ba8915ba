package org.dataloop.common.parse;

import java.math.BigInteger;
import java.util.Map;

/**
 * Typed, validated access to the top-level fields of one JSON object (as read by {@link JsonParsers}:
 * String, Long, BigInteger, Double, Boolean, {@link JsonParsers#NESTED}, {@link JsonParsers#NULL} or absent). Types are
 * strict, as the contract's type column says: {@code "36"} is not a number and {@code 36} is not a string. The first broken rule is
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
        if (v == JsonParsers.NULL) v = null;
        if (v == null && required) fail(MISSING_FIELD, name + " is required");
        return v;
    }

    private void fail(String reason, String detail) {
        if (this.reason == null) {
            this.reason = reason;
            this.detail = detail;
        }
    }

    /** How a value that has the wrong type is named in a dead letter's detail. */
    private static String kind(Object v) {
        if (v instanceof String) return "a string";
        if (v instanceof Boolean) return "a boolean";
        if (v instanceof BigInteger) return "a whole number out of range";
        return v == JsonParsers.NESTED ? "an object or array" : v.toString();
    }

    /** A required, non-empty string of at most {@code maxChars} characters and {@code maxBytes} bytes of UTF-8. */
    public String requiredString(String name, int maxChars, int maxBytes) {
        String s = optionalString(name, maxBytes);
        if (s == null) {
            if (reason == null) fail(MISSING_FIELD, name + " is required");
            return null;
        }
        int chars = s.codePointCount(0, s.length());
        if (chars == 0 || chars > maxChars) {
            fail(BAD_VALUE, name + " must have 1.." + maxChars + " characters, has " + chars);
        }
        return s;
    }

    /**
     * An optional string of at most {@code maxBytes} bytes of UTF-8 (the size of the Doris column it may reach), without
     * control characters or unpaired surrogates. Only a JSON string is a string: a number or boolean is a bad value.
     */
    public String optionalString(String name, int maxBytes) {
        Object v = field(name, false);
        if (v == null) return null;
        if (!(v instanceof String s)) {
            fail(BAD_VALUE, name + " must be a string, got " + kind(v));
            return null;
        }
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                // names become keys and codes downstream, where control characters would be ambiguous
                fail(BAD_VALUE, name + " must not contain control characters");
                return null;
            }
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                fail(BAD_VALUE, name + " is not valid Unicode (an unpaired surrogate)");
                return null;
            } else {
                bytes += 3;
            }
            if (bytes > maxBytes) {
                fail(BAD_VALUE, name + " must have at most " + maxBytes + " bytes in UTF-8, has more");
                return null;
            }
        }
        return s;
    }

    /** A required whole number in [min, maxExclusive): a JSON integer, not a string or a fraction. */
    public long requiredLong(String name, long min, long maxExclusive) {
        Object v = field(name, true);
        if (v == null) return 0;
        if (!(v instanceof Long x)) {
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

    /** A required finite number in [min, max]: a JSON number, not a string. */
    public double requiredDouble(String name, double min, double max) {
        Object v = field(name, true);
        if (v == null) return 0;
        double x;
        if (v instanceof Double d) {
            x = d;
        } else if (v instanceof Long l) {
            x = l;
        } else if (v instanceof BigInteger b) {
            x = b.doubleValue();
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
