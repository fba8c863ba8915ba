package org.dataloop.common.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition of a running job (rows in a table, records in a topic) until it holds or time runs out. */
public final class Await {
    private static volatile Object lastSeen;

    private Await() {}

    /** Returns the probe's first non-null result; a probe that throws (e.g. a table not created yet) is retried. */
    public static <T> T until(Duration wait, Callable<T> probe) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        Exception last = null;
        lastSeen = null;
        while (System.nanoTime() < deadline) {
            try {
                T v = probe.call();
                if (v != null) return v;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("condition not met within " + wait + "; last seen: " + lastSeen, last);
    }

    /** Records what a probe looked at, for the failure message. */
    public static void seen(Object value) {
        lastSeen = value;
    }
}
