package org.dataloop.common.dim;

import java.time.Duration;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read of the lake a task cannot go on without (no fact is enriched for want of a readable table): tried again
 * with a growing pause (1 s doubling to 30 s) up to {@code --dim.first-load-timeout}, each failure logged, then the
 * task fails and the job's restart strategy applies.
 */
final class Retried {
    private static final Logger LOG = LoggerFactory.getLogger(Retried.class);
    private static final long MAX_PAUSE_MS = 30_000;

    private Retried() {}

    /** @param onFailure called after each failed attempt (e.g. to count it) */
    static <T> T within(Duration timeout, String what, Supplier<T> read, Runnable onFailure) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        long pause = 1_000;
        for (int attempt = 1; ; attempt++) {
            try {
                return read.get();
            } catch (RuntimeException e) {
                onFailure.run();
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new IllegalStateException("cannot read " + what + " (tried for " + timeout + ", --dim.first-load-timeout): "
                            + e.getMessage(), e);
                }
                LOG.warn("Cannot read {} yet (attempt {}), retrying in {} ms: {}", what, attempt, Math.min(pause, left), e.toString());
                Thread.sleep(Math.min(pause, left));
                pause = Math.min(pause * 2, MAX_PAUSE_MS);
            }
        }
    }
}
