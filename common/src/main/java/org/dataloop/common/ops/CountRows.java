package org.dataloop.common.ops;

import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;

import org.dataloop.common.metrics.JobCounter;

/** Counts rows on their way into a table ({@code rows_out}, label {@code table}). Chained: costs one call. */
public final class CountRows<T> extends RichMapFunction<T, T> {
    private static final long serialVersionUID = 1L;
    private final String table;
    private transient JobCounter rowsOut;

    public CountRows(String table) {
        this.table = table;
    }

    @Override
    public void open(Configuration parameters) {
        rowsOut = JobCounter.register(getRuntimeContext(), JobCounter.ROWS_OUT, "table", table);
    }

    @Override
    public T map(T row) {
        rowsOut.inc();
        return row;
    }
}
