package org.dataloop.casemetrics;

/** State: one (date_key, city_code) group of the MPS/MPD tables, apart from its per-trigger case counts. */
public class DayCityState {
    /** Autonomous km driven by the fleet in the group. */
    public double autoKm;
    /** Changed since the last emission. */
    public boolean pending;
    /** Whether the ALL row was emitted (then later rows are updates). */
    public boolean allEmitted;
    /** Event time at which the group is final and its state dropped: end of the local day plus the retention. */
    public long finalAtMs;

    public DayCityState() {}
}
