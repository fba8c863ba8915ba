package org.dataloop.common.ops;

import java.io.Serializable;

/**
 * What {@link TimeSlotDeduplicator} needs to know about a stream: the time slot that identifies an event
 * within its key (with the key, the de-duplication key), and until when a slot can still receive events.
 */
public interface DedupPolicy<E> extends Serializable {
    /** The event's slot, e.g. its epoch second; (key, slot) identifies the event. Must be ≥ 0. */
    long slot(E event);

    /**
     * The event time (ms) from which a slot is final: once the watermark reaches it, an event of that slot
     * is late and the slot is forgotten. Non-decreasing in the slot.
     */
    long horizonMs(long slot);

    /** Events as text for the dead letters of late events (the parsed event, re-serialized). */
    String toJson(E event);

    /** The stream name, for metrics and dead letters. */
    String stream();
}
