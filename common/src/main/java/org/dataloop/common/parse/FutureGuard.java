package org.dataloop.common.parse;

import org.apache.flink.api.common.typeinfo.TypeInformation;

import org.dataloop.common.event.DeadLetter;

/**
 * Rejects events whose time is more than {@code maxFutureMs} ahead of the wall clock (reason {@code future}):
 * a watermark follows the largest event time, so a single car with a wrong clock would otherwise finish
 * every open window early and make the rest of the fleet late. Live sources only: a replay must not
 * depend on when it runs.
 */
public final class FutureGuard<E> implements RecordParser<E> {
    private static final long serialVersionUID = 1L;

    public static final String FUTURE = "future";

    private final RecordParser<E> parser;
    private final long maxFutureMs;

    public FutureGuard(RecordParser<E> parser, long maxFutureMs) {
        this.parser = parser;
        this.maxFutureMs = maxFutureMs;
    }

    @Override
    public String stream() {
        return parser.stream();
    }

    @Override
    public Parsed<E> parse(String job, String raw) {
        Parsed<E> parsed = parser.parse(job, raw);
        long limit = System.currentTimeMillis() + maxFutureMs;
        if (parsed.isValid() && parsed.eventTimeMs > limit) {
            return Parsed.rejected(DeadLetter.of(job, stream(), FUTURE,
                    "event time " + parsed.eventTimeMs + " ms is more than " + maxFutureMs + " ms ahead of the clock", raw));
        }
        return parsed;
    }

    @Override
    public TypeInformation<Parsed<E>> parsedType() {
        return parser.parsedType();
    }
}
