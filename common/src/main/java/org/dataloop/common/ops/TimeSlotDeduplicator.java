package org.dataloop.common.ops;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import org.dataloop.common.event.DeadLetter;
import org.dataloop.common.metrics.JobCounter;

/**
 * Drops repeats of (key, slot): the first arrival wins. Keyed by car; the seen slots of a car are a
 * bitmap in 64-slot words ({@code slot / 64 → bits}), so one heartbeat costs one map read and write, and a
 * car-day of heartbeats takes 1,350 words. Events whose slot is already final (its horizon ≤ the
 * watermark) go to {@link #LATE} as dead letters with reason {@code late}. An event-time timer at each
 * horizon removes the words that became final, so no state outlives its horizon.
 */
public final class TimeSlotDeduplicator<E> extends KeyedProcessFunction<String, E, E> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> LATE = new OutputTag<>("late") {};

    private final String job;
    private final DedupPolicy<E> policy;
    private transient MapState<Long, Long> seenWords;
    private transient JobCounter duplicates;
    private transient JobCounter late;

    public TimeSlotDeduplicator(String job, DedupPolicy<E> policy) {
        this.job = job;
        this.policy = policy;
    }

    @Override
    public void open(Configuration parameters) {
        seenWords = getRuntimeContext().getMapState(new MapStateDescriptor<>("seen-slot-words", Types.LONG, Types.LONG));
        duplicates = JobCounter.register(getRuntimeContext(), JobCounter.DUPLICATES_DROPPED, "stream", policy.stream());
        late = JobCounter.register(getRuntimeContext(), JobCounter.LATE_RECORDS, "stream", policy.stream());
    }

    @Override
    public void processElement(E event, Context ctx, Collector<E> out) throws Exception {
        long slot = policy.slot(event);
        long horizon = policy.horizonMs(slot);
        long watermark = ctx.timerService().currentWatermark();
        if (policy.isLate(slot, watermark)) {
            late.inc();
            ctx.output(LATE, DeadLetter.of(job, policy.stream(), "late",
                    "event time is final: the watermark is at " + watermark + " ms", policy.toJson(event)));
            return;
        }
        long word = slot >>> 6;
        long bit = 1L << (slot & 63);
        Long bits = seenWords.get(word);
        long current = bits == null ? 0L : bits;
        if ((current & bit) != 0) {
            duplicates.inc();
            return;
        }
        seenWords.put(word, current | bit);
        // one timer per word and horizon is enough: a word's slots share a horizon unless it straddles one
        if (current == 0 || policy.horizonMs((word << 6) | Long.numberOfTrailingZeros(current)) != horizon) {
            ctx.timerService().registerEventTimeTimer(horizon);
        }
        out.collect(event);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<E> out) throws Exception {
        var it = seenWords.iterator();
        while (it.hasNext()) {
            var entry = it.next();
            long lastSeenSlot = (entry.getKey() << 6) | (63 - Long.numberOfLeadingZeros(entry.getValue()));
            if (policy.horizonMs(lastSeenSlot) <= timestamp) it.remove();
        }
        if (seenWords.isEmpty()) seenWords.clear(); // drop the empty map itself, not just its entries
    }
}
