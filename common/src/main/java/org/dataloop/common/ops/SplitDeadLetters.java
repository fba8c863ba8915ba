package org.dataloop.common.ops;

import java.util.HashMap;
import java.util.Map;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import org.dataloop.common.event.DeadLetter;
import org.dataloop.common.metrics.JobCounter;
import org.dataloop.common.parse.Parsed;

/**
 * Valid events to the main output, dead letters to {@link #DEAD_LETTERS}; counts records in and dead letters by reason,
 * and measures the stream's freshness: {@code records_in_per_second} (over the last minute) and
 * {@code event_time_lag_ms}, processing time minus the stream's watermark when its last record arrived (0 before any
 * watermark): it grows while a stream is stuck or silent, which a data-delay alert watches.
 */
public final class SplitDeadLetters<E> extends ProcessFunction<Parsed<E>, E> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final String stream;
    private transient JobCounter recordsIn;
    private transient Map<String, JobCounter> deadLetters;
    private transient Meter recordsInRate;
    private transient volatile long watermark;

    public SplitDeadLetters(String stream) {
        this.stream = stream;
    }

    @Override
    public void open(Configuration parameters) {
        recordsIn = JobCounter.register(getRuntimeContext(), JobCounter.RECORDS_IN, "stream", stream);
        deadLetters = new HashMap<>();
        MetricGroup freshness = JobCounter.group(getRuntimeContext(), "stream", stream);
        recordsInRate = freshness.meter("records_in_per_second", new MeterView(60));
        watermark = Long.MIN_VALUE;
        freshness.gauge("event_time_lag_ms", () -> watermark == Long.MIN_VALUE ? 0L : System.currentTimeMillis() - watermark);
    }

    @Override
    public void processElement(Parsed<E> parsed, Context ctx, Collector<E> out) {
        recordsIn.inc();
        recordsInRate.markEvent();
        watermark = ctx.timerService().currentWatermark();
        if (parsed.isValid()) {
            out.collect(parsed.event);
        } else {
            deadLetters.computeIfAbsent(parsed.deadLetter.reason,
                    r -> JobCounter.register(getRuntimeContext(), JobCounter.DEAD_LETTERS, "reason", r)).inc();
            ctx.output(DEAD_LETTERS, parsed.deadLetter);
        }
    }
}
