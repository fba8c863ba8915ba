package org.dataloop.posetrigger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import org.dataloop.common.event.DeadLetter;
import org.dataloop.common.event.HardBrakeTrigger;
import org.dataloop.common.event.PoseSample;
import org.dataloop.common.io.RowJson;
import org.dataloop.common.metrics.JobCounter;

/**
 * The keyed (per car) hard-brake operator: a thin shell that puts the car's samples into event-time order
 * and feeds {@link HardBrakeStateMachine}; it also sums each second's speeds for the speed tag.
 *
 * <ul>
 *   <li>Samples are buffered (list state, an append per sample) until the watermark passes them. The
 *       watermark W means no sample older than W can still arrive (those are late), so at an event-time
 *       timer every buffered sample with {@code timestamp < W} is fed in timestamp order and the machine is
 *       told that everything up to {@code W − 1} has been seen.</li>
 *   <li>Timers: one per car and second holding samples (at the start of the next second), one when the
 *       open episode can become final, one for the state timeout. Not one per sample.</li>
 *   <li>Triggers go to the main output; speed and hard_brake tags to {@link #TAGS}; a sample older than the
 *       watermark (only possible without the de-duplicator in front) to {@link #LATE}.</li>
 *   <li>A car that stops reporting: once the watermark is {@code state-timeout} past its last sample and
 *       nothing is pending, its state is cleared and no timer remains.</li>
 * </ul>
 */
public final class HardBrakeFunction extends KeyedProcessFunction<String, PoseSample, HardBrakeTrigger> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<TagRow> TAGS = new OutputTag<>("tags", TypeInformation.of(TagRow.class));
    public static final OutputTag<DeadLetter> LATE = new OutputTag<>("late-pose", TypeInformation.of(DeadLetter.class));

    private static final int MAX_REMEMBERED_TIMERS = 200_000;
    private static final Comparator<PoseSample> BY_TIME = Comparator.comparingLong(p -> p.timestampMs);

    private final String job;
    private final HardBrakeStateMachine machine;
    private final long stateTimeoutMs;
    private transient ListState<PoseSample> buffer;
    private transient ValueState<CarState> carState;
    private transient JobCounter late;
    /**
     * Per car, the second-end timer last registered by this instance: a cache, not state, that saves
     * registering the same timer for every sample of a second. Sound because a sample that is not late
     * has {@code watermark ≤ timestamp < secondEnd}, so a timer remembered for its second has not fired
     * yet; after a restore the cache is empty and timers are simply registered again (idempotent).
     */
    private transient Map<String, Long> timerRegistered;

    public HardBrakeFunction(String job, HardBrakeParams params, long stateTimeoutMs) {
        if (stateTimeoutMs <= params.maxOpenMs()) {
            throw new IllegalArgumentException("the state timeout must be longer than the merge gap and the max sample gap");
        }
        this.job = job;
        this.machine = new HardBrakeStateMachine(params);
        this.stateTimeoutMs = stateTimeoutMs;
    }

    @Override
    public void open(Configuration parameters) {
        buffer = getRuntimeContext().getListState(new ListStateDescriptor<>("pending-samples", PoseSample.class));
        carState = getRuntimeContext().getState(new ValueStateDescriptor<>("car", CarState.class));
        late = JobCounter.register(getRuntimeContext(), JobCounter.LATE_RECORDS, "stream", "pose");
        timerRegistered = new HashMap<>();
    }

    @Override
    public void processElement(PoseSample sample, Context ctx, Collector<HardBrakeTrigger> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        if (sample.timestampMs < watermark) {
            late(ctx, sample, "event time is final: the watermark is at " + watermark + " ms");
            return;
        }
        buffer.add(sample);
        // the whole second is complete once the watermark reaches the next one
        long secondEnd = (Math.floorDiv(sample.timestampMs, 1000) + 1) * 1000;
        Long known = timerRegistered.get(ctx.getCurrentKey());
        if (known == null || known != secondEnd) {
            ctx.timerService().registerEventTimeTimer(secondEnd);
            if (timerRegistered.size() >= MAX_REMEMBERED_TIMERS) timerRegistered.clear();
            timerRegistered.put(ctx.getCurrentKey(), secondEnd);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<HardBrakeTrigger> out) throws Exception {
        String carId = ctx.getCurrentKey();
        long seenUpTo = ctx.timerService().currentWatermark() - 1; // every sample up to here has arrived
        CarState car = carState.value();

        List<PoseSample> ready = new ArrayList<>();
        List<PoseSample> pending = new ArrayList<>();
        Iterable<PoseSample> buffered = buffer.get();
        if (buffered != null) {
            for (PoseSample s : buffered) (s.timestampMs <= seenUpTo ? ready : pending).add(s);
        }
        if (car == null) {
            if (ready.isEmpty() && pending.isEmpty()) return; // a stale timer of a car whose state was cleared
            car = new CarState();
        }

        if (!ready.isEmpty()) {
            if (!inOrder(ready)) ready.sort(BY_TIME);
            for (PoseSample s : ready) {
                if (s.timestampMs <= car.brake.lastTs) {
                    // only after a restore, before the first watermark (watermarks are not checkpointed)
                    late(ctx, s, "the car's samples up to " + car.brake.lastTs + " ms are already processed");
                    continue;
                }
                addSpeed(car, s, ctx);
                emit(machine.onSample(car.brake, s), out, ctx);
            }
            if (pending.isEmpty()) buffer.clear(); else buffer.update(pending);
        }
        if (car.tagSamples > 0 && seenUpTo >= car.tagSecond * 1000 + 999) flushSpeed(car, carId, ctx);
        emit(machine.advanceTo(car.brake, carId, seenUpTo), out, ctx);
        if (car.brake.active) ctx.timerService().registerEventTimeTimer(machine.finalAt(car.brake) + 1);

        // state timeout: a car whose last sample is long past and with nothing pending is forgotten
        long lastSeen = Math.max(car.brake.lastTs, timestamp);
        boolean idle = pending.isEmpty() && !car.brake.active && car.tagSamples == 0;
        if (idle && timestamp == car.cleanupAt && timestamp >= car.brake.lastTs + stateTimeoutMs) {
            carState.clear();
            buffer.clear();
            return;
        }
        if (car.cleanupAt == 0 || timestamp == car.cleanupAt) {
            car.cleanupAt = lastSeen + stateTimeoutMs;
            ctx.timerService().registerEventTimeTimer(car.cleanupAt);
        }
        carState.update(car);
    }

    private static boolean inOrder(List<PoseSample> samples) {
        for (int i = 1; i < samples.size(); i++) {
            if (samples.get(i).timestampMs < samples.get(i - 1).timestampMs) return false;
        }
        return true;
    }

    private void late(Context ctx, PoseSample s, String detail) {
        late.inc();
        ctx.output(LATE, DeadLetter.of(job, "pose", "late", detail,
                new String(RowJson.toJson(PoseTables.ODS_POSE, s, false), StandardCharsets.UTF_8)));
    }

    private static void addSpeed(CarState car, PoseSample s, OnTimerContext ctx) {
        long second = Math.floorDiv(s.timestampMs, 1000);
        if (car.tagSamples > 0 && second != car.tagSecond) flushSpeed(car, s.carId, ctx);
        car.tagSecond = second;
        car.tagSpeedSum += s.speed;
        car.tagSamples++;
    }

    private static void flushSpeed(CarState car, String carId, OnTimerContext ctx) {
        ctx.output(TAGS, PoseTags.speed(carId, car.tagSecond, car.tagSpeedSum, car.tagSamples));
        car.tagSpeedSum = 0;
        car.tagSamples = 0;
    }

    private static void emit(HardBrakeTrigger trigger, Collector<HardBrakeTrigger> out, OnTimerContext ctx) {
        if (trigger == null) return;
        out.collect(trigger);
        for (TagRow tag : PoseTags.hardBrake(trigger)) ctx.output(TAGS, tag);
    }
}
