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

    /**
     * Whether an event of {@code slot} arriving at {@code watermark} is late (goes to the dead letters).
     * By default: once its slot is final. A policy may be stricter (e.g. late as soon as the watermark
     * passes the event while the slot is forgotten later, at a coarser horizon), but it must be true
     * whenever {@code horizonMs(slot) <= watermark}, since a final slot is no longer remembered.
     */
    default boolean isLate(long slot, long watermark) {
        return horizonMs(slot) <= watermark;
    }

    /** Events as text for the dead letters of late events (the parsed event, re-serialized). */
    String toJson(E event);

    /** The stream name, for metrics and dead letters. */
    String stream();
}
