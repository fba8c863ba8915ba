package org.dataloop.casemetrics;

/** State: the cases of one trigger type in a (date_key, city_code) group. */
public class TriggerCount {
    public long cases;
    /** Whether its row was emitted (then later rows are updates). */
    public boolean emitted;

    public TriggerCount() {}
}
