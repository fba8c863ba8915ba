package org.dataloop.heartbeat;

import org.dataloop.common.event.DailyAutoRate;

/** State of one daily auto-rate group: the row so far, whether it changed since it was last emitted, and when it is final. */
public class DailyGroup {
    public DailyAutoRate row;
    public boolean pending;
    /** Event time (ms) at which the day is final: end of the local day plus the allowed lateness. */
    public long finalAtMs;

    public DailyGroup() {}
}
