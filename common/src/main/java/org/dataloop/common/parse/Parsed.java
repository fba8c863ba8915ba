package org.dataloop.common.parse;

import org.dataloop.common.event.DeadLetter;

/**
 * The result of parsing one input record: either a valid event or a dead letter. A generic Flink POJO
 * (give its type with a {@code TypeHint}), so sources can parse in the deserializer and still assign
 * event-time watermarks per Kafka partition.
 */
public class Parsed<E> {
    /** The valid event, or null. */
    public E event;
    /** Why the record was rejected, or null. */
    public DeadLetter deadLetter;
    /** Event time in epoch ms; Long.MIN_VALUE for dead letters so they never move a watermark. */
    public long eventTimeMs = Long.MIN_VALUE;

    public Parsed() {}

    public static <E> Parsed<E> valid(E event, long eventTimeMs) {
        Parsed<E> p = new Parsed<>();
        p.event = event;
        p.eventTimeMs = eventTimeMs;
        return p;
    }

    public static <E> Parsed<E> rejected(DeadLetter deadLetter) {
        Parsed<E> p = new Parsed<>();
        p.deadLetter = deadLetter;
        return p;
    }

    public boolean isValid() {
        return event != null;
    }
}
