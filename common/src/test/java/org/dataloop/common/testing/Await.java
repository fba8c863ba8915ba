package org.dataloop.common.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.flink.core.execution.JobClient;

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

    /**
     * Cancels a job and waits until it has stopped: {@code cancel()} only asks, and tasks still writing files into a
     * test's temporary directory make its deletion fail.
     */
    public static void cancelled(JobClient job) throws Exception {
        try {
            job.cancel().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // already finished or failed: then it has stopped too
        }
        until(Duration.ofSeconds(60), () -> job.getJobStatus().get().isGloballyTerminalState() ? true : null);
    }

    /** Records what a probe looked at, for the failure message. */
    public static void seen(Object value) {
        lastSeen = value;
    }
}
