package org.dataloop.common.testing;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import org.dataloop.common.runtime.JobIO;

/**
 * Failure injection for MiniCluster tests. A {@link Plan} throws once at each of its chosen moments — at the n-th
 * record, in the snapshot of a checkpoint, right after a checkpoint completed — from an identity map the test puts
 * into the pipeline ({@link Plan#map()}). A plan lives in this JVM (the MiniCluster's), so it survives the
 * restarts it causes and fires each failure exactly once. {@link #replaceTaskManager} kills a task manager.
 */
public final class Failures {
    private static final Map<String, Plan> PLANS = new ConcurrentHashMap<>();

    private Failures() {}

    /** A new, empty plan. */
    public static Plan plan() {
        Plan p = new Plan(UUID.randomUUID().toString());
        PLANS.put(p.id, p);
        return p;
    }

    /** Terminates the task manager at {@code index} (as a crash would: its tasks fail) and starts a fresh one. */
    public static void replaceTaskManager(MiniCluster cluster, int index) throws Exception {
        cluster.terminateTaskManager(index).get(60, TimeUnit.SECONDS);
        cluster.startTaskManager();
    }

    /** When to throw; each moment fires once. Counts are over every subtask and attempt of the map. */
    public static final class Plan {
        private final String id;
        private volatile long atRecord = -1;
        private volatile long inSnapshotOf = -1;
        private volatile long afterCheckpoint = -1;
        private final AtomicLong records = new AtomicLong();
        private final AtomicBoolean recordFired = new AtomicBoolean();
        private final AtomicBoolean snapshotFired = new AtomicBoolean();
        private final AtomicBoolean afterCheckpointFired = new AtomicBoolean();
        private final AtomicInteger fired = new AtomicInteger();

        private Plan(String id) {
            this.id = id;
        }

        /** Throw when the n-th record (1-based, counted across restarts) passes the map. */
        public Plan atRecord(long n) {
            atRecord = n;
            return this;
        }

        /** Throw while snapshotting the first checkpoint whose id is at least {@code checkpointId} (it fails). */
        public Plan inSnapshotOf(long checkpointId) {
            inSnapshotOf = checkpointId;
            return this;
        }

        /** Throw when the first checkpoint whose id is at least {@code checkpointId} has completed (before sinks may commit). */
        public Plan afterCheckpoint(long checkpointId) {
            afterCheckpoint = checkpointId;
            return this;
        }

        /** The identity map that carries out this plan. */
        public <T> FailingMap<T> map() {
            return new FailingMap<>(id);
        }

        /** A hook for {@code JobRunner.definePipeline} that puts this plan's map on one input stream of a job. */
        public JobIO.InputTap on(String stream) {
            Plan plan = this;
            return new JobIO.InputTap() {
                @Override
                public <E> SingleOutputStreamOperator<E> apply(String name, SingleOutputStreamOperator<E> events) {
                    if (!name.equals(stream)) return events;
                    // at the stream's parallelism: chained, so the records keep their order
                    return events.map(plan.<E>map()).returns(events.getType()).setParallelism(events.getParallelism())
                            .uid("inject-failures-" + name).name("inject failures");
                }
            };
        }

        /** How many failures have been thrown so far. */
        public int fired() {
            return fired.get();
        }

        /** Records that passed the map so far, over all attempts. */
        public long records() {
            return records.get();
        }

        private void maybeThrow(AtomicBoolean once, String what) {
            if (once.compareAndSet(false, true)) {
                fired.incrementAndGet();
                throw new InjectedFailure(what);
            }
        }
    }

    /** The failure a plan throws, so a test can tell it from a real one. */
    public static final class InjectedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFailure(String what) {
            super("injected failure: " + what);
        }
    }

    /** Identity map that throws at its plan's moments. */
    public static final class FailingMap<T> implements MapFunction<T, T>, CheckpointedFunction, CheckpointListener {
        private static final long serialVersionUID = 1L;
        private final String planId;

        FailingMap(String planId) {
            this.planId = planId;
        }

        private Plan plan() {
            return PLANS.get(planId);
        }

        @Override
        public T map(T value) {
            Plan p = plan();
            if (p.records.incrementAndGet() == p.atRecord) p.maybeThrow(p.recordFired, "at record " + p.atRecord);
            return value;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
            Plan p = plan();
            if (p.inSnapshotOf >= 0 && context.getCheckpointId() >= p.inSnapshotOf) {
                p.maybeThrow(p.snapshotFired, "in the snapshot of checkpoint " + context.getCheckpointId());
            }
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {}

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            Plan p = plan();
            if (p.afterCheckpoint >= 0 && checkpointId >= p.afterCheckpoint) {
                p.maybeThrow(p.afterCheckpointFired, "after checkpoint " + checkpointId);
            }
        }
    }
}
