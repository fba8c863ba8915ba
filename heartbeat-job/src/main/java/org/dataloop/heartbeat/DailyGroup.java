package org.dataloop.heartbeat;

/**
 * State of one daily auto-rate group, numbers only: the group's names are the state's map key, so each
 * heartbeat reads and writes a few primitives.
 */
public class DailyGroup {
    public long totalSeconds;
    public long autoSeconds;
    public double totalKm;
    public double autoKm;
    /** Emissions so far: 1 is the insert, more are updates. */
    public int version;
    /** Changed since it was last emitted (and so has an emit timer). */
    public boolean pending;
    /** Event time (ms) at which the day is final: end of the local day plus the allowed lateness. */
    public long finalAtMs;

    public DailyGroup() {}
}
