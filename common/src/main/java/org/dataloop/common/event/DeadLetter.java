package org.dataloop.common.event;

/**
 * A record a job could not use, with the reason. Never dropped silently: every job writes these to its
 * dead-letter output ({@code dlq}). Kafka coordinates are null when the record did not come from Kafka.
 */
public class DeadLetter {
    public static final int MAX_RAW_CHARS = 64 * 1024;

    public String job;
    public String stream;
    /** {@code malformed_json}, {@code missing_field}, {@code bad_value}, {@code late}, ... */
    public String reason;
    /** Which field and why. */
    public String detail;
    /** The original text, truncated at 64 KiB. */
    public String raw;
    /** Epoch ms when the job saw the record. */
    public long ingestTime;
    public String topic;
    public Integer partition;
    public Long offset;

    public DeadLetter() {}

    public static DeadLetter of(String job, String stream, String reason, String detail, String raw) {
        DeadLetter d = new DeadLetter();
        d.job = job;
        d.stream = stream;
        d.reason = reason;
        d.detail = detail;
        d.raw = raw == null || raw.length() <= MAX_RAW_CHARS ? raw : raw.substring(0, MAX_RAW_CHARS);
        d.ingestTime = System.currentTimeMillis();
        return d;
    }

    @Override
    public String toString() {
        return "DeadLetter{" + stream + ", " + reason + ": " + detail + "}";
    }
}
