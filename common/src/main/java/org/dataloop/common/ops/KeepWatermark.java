package org.dataloop.common.ops;

import java.io.Serializable;
import java.util.List;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * The operators for every event-time function of the jobs: Flink's process operators that keep their watermark in
 * their checkpoints. Flink does not checkpoint watermarks: after a restore an operator's watermark is
 * {@code Long.MIN_VALUE} until its inputs send one, so a decision such as "this record is late" or "this day is
 * final" would be taken as if no time had passed (a heartbeat for a final day would rewrite its row). These
 * operators restore the watermark they had at the checkpoint before they process anything, and ignore a watermark
 * at or below it (the sources start theirs over after a restore), so after a restore exactly what an uninterrupted
 * run calls late is late. Use them with {@code stream.transform(name, type, KeepWatermark.of(function))}.
 *
 * <p>Union list state named {@code watermark-high-mark}: after a rescale every subtask takes the lowest watermark
 * any subtask had (with aligned checkpoints all subtasks of an operator have the same one).
 */
public final class KeepWatermark implements Serializable {
    private static final long serialVersionUID = 1L;

    private transient ListState<Long> state;
    /** The operator's watermark: the highest it processed, or the one restored. */
    private transient long watermark = Long.MIN_VALUE;

    private KeepWatermark() {}

    public static <K, I, O> KeyedProcessOperator<K, I, O> of(KeyedProcessFunction<K, I, O> function) {
        return new Keyed<>(function);
    }

    public static <K, I1, I2, O> KeyedCoProcessOperator<K, I1, I2, O> of(KeyedCoProcessFunction<K, I1, I2, O> function) {
        return new KeyedCo<>(function);
    }

    public static <I, O> ProcessOperator<I, O> of(ProcessFunction<I, O> function) {
        return new NonKeyed<>(function);
    }

    /** Reads the kept watermark; returns it, or {@code Long.MIN_VALUE} on a fresh start. */
    private long initialize(StateInitializationContext context) throws Exception {
        state = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("watermark-high-mark", Types.LONG));
        long lowest = Long.MAX_VALUE;
        for (Long w : state.get()) {
            if (w != Long.MIN_VALUE) lowest = Math.min(lowest, w); // a subtask that saw no watermark yet holds nothing back
        }
        watermark = lowest == Long.MAX_VALUE ? Long.MIN_VALUE : lowest;
        return watermark;
    }

    /** Whether a watermark moves event time forward (and so is processed). */
    private boolean advances(Watermark mark) {
        if (mark.getTimestamp() <= watermark) return false;
        watermark = mark.getTimestamp();
        return true;
    }

    private void snapshot() throws Exception {
        state.update(List.of(watermark));
    }

    private static final class Keyed<K, I, O> extends KeyedProcessOperator<K, I, O> {
        private static final long serialVersionUID = 1L;
        private final KeepWatermark kept = new KeepWatermark();
        private transient long restored;

        Keyed(KeyedProcessFunction<K, I, O> function) {
            super(function);
        }

        @Override
        public void initializeState(StateInitializationContext context) throws Exception {
            super.initializeState(context);
            restored = kept.initialize(context);
        }

        @Override
        public void open() throws Exception {
            super.open();
            if (restored != Long.MIN_VALUE) super.processWatermark(new Watermark(restored));
        }

        @Override
        public void processWatermark(Watermark mark) throws Exception {
            if (kept.advances(mark)) super.processWatermark(mark);
        }

        @Override
        public void snapshotState(StateSnapshotContext context) throws Exception {
            super.snapshotState(context);
            kept.snapshot();
        }
    }

    private static final class KeyedCo<K, I1, I2, O> extends KeyedCoProcessOperator<K, I1, I2, O> {
        private static final long serialVersionUID = 1L;
        private final KeepWatermark kept = new KeepWatermark();
        private transient long restored;

        KeyedCo(KeyedCoProcessFunction<K, I1, I2, O> function) {
            super(function);
        }

        @Override
        public void initializeState(StateInitializationContext context) throws Exception {
            super.initializeState(context);
            restored = kept.initialize(context);
        }

        @Override
        public void open() throws Exception {
            super.open();
            if (restored != Long.MIN_VALUE) super.processWatermark(new Watermark(restored));
        }

        @Override
        public void processWatermark(Watermark mark) throws Exception {
            if (kept.advances(mark)) super.processWatermark(mark);
        }

        @Override
        public void snapshotState(StateSnapshotContext context) throws Exception {
            super.snapshotState(context);
            kept.snapshot();
        }
    }

    private static final class NonKeyed<I, O> extends ProcessOperator<I, O> {
        private static final long serialVersionUID = 1L;
        private final KeepWatermark kept = new KeepWatermark();
        private transient long restored;

        NonKeyed(ProcessFunction<I, O> function) {
            super(function);
        }

        @Override
        public void initializeState(StateInitializationContext context) throws Exception {
            super.initializeState(context);
            restored = kept.initialize(context);
        }

        @Override
        public void open() throws Exception {
            super.open();
            if (restored != Long.MIN_VALUE) super.processWatermark(new Watermark(restored));
        }

        @Override
        public void processWatermark(Watermark mark) throws Exception {
            if (kept.advances(mark)) super.processWatermark(mark);
        }

        @Override
        public void snapshotState(StateSnapshotContext context) throws Exception {
            super.snapshotState(context);
            kept.snapshot();
        }
    }
}
