package org.dataloop.casemetrics;

import java.io.Serializable;
import java.util.List;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;

/**
 * The highest watermark an operator has seen, kept in its checkpoints. Flink does not checkpoint watermarks: after a
 * restore an operator's watermark is {@code Long.MIN_VALUE} until its inputs send one, and a decision such as "this
 * day is final" would then be taken as if no time had passed. Union list state, so every subtask gets the maximum
 * after a rescale.
 */
final class WatermarkHighMark implements Serializable {
    private static final long serialVersionUID = 1L;

    private transient ListState<Long> state;
    private long highest = Long.MIN_VALUE;

    void initializeState(FunctionInitializationContext context) throws Exception {
        state = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("watermark-high-mark", Types.LONG));
        for (Long w : state.get()) highest = Math.max(highest, w);
    }

    void snapshotState(FunctionSnapshotContext context) throws Exception {
        state.update(List.of(highest));
    }

    /** The larger of the operator's current watermark and every watermark it saw before. */
    long of(long currentWatermark) {
        highest = Math.max(highest, currentWatermark);
        return highest;
    }
}
