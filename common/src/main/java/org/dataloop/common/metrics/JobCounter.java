package org.dataloop.common.metrics;

import java.io.Serializable;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * One job counter, e.g. records in for stream heartbeat. It is a Flink metric
 * ({@code <scope>.dataloop.<label>.<value>.<name>}, so the Prometheus reporter exports it with the label)
 * and an accumulator named {@code <name>.<value>}, which local runs read to print progress.
 */
public final class JobCounter implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String RECORDS_IN = "records_in";
    public static final String DEAD_LETTERS = "dead_letters";
    public static final String DUPLICATES_DROPPED = "duplicates_dropped";
    public static final String LATE_RECORDS = "late_records";
    public static final String ROWS_OUT = "rows_out";

    private final transient Counter metric;
    private final transient LongCounter accumulator;

    private JobCounter(Counter metric, LongCounter accumulator) {
        this.metric = metric;
        this.accumulator = accumulator;
    }

    /** Registers the counter; call from {@code open()}. */
    public static JobCounter register(RuntimeContext ctx, String name, String label, String value) {
        Counter metric = group(ctx, label, value).counter(name);
        String accName = accumulatorName(name, value);
        Object existing = ctx.getAccumulator(accName);
        LongCounter acc = existing instanceof LongCounter l ? l : null;
        if (acc == null) {
            acc = new LongCounter();
            ctx.addAccumulator(accName, acc);
        }
        return new JobCounter(metric, acc);
    }

    /** The metric group of the job's metrics with this label, e.g. stream=heartbeat. */
    public static MetricGroup group(RuntimeContext ctx, String label, String value) {
        return ctx.getMetricGroup().addGroup("dataloop").addGroup(label, value);
    }

    public static String accumulatorName(String name, String value) {
        return name + "." + value;
    }

    public void inc() {
        metric.inc();
        accumulator.add(1L);
    }
}
