package org.dataloop.heartbeat;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.Map;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import org.dataloop.common.event.DailyAutoRate;
import org.dataloop.common.event.EnrichedHeartbeat;
import org.dataloop.common.heartbeat.AutoRateMath;

/**
 * Per car: the daily auto-rate and mileage of each (date_key, city, area, route) group it drove in.
 * Input is de-duplicated and not late, so each heartbeat is one distinct second. A changed group is
 * re-emitted at most once per emit interval of event time (an upsert; version 1 is the insert), and
 * once more when the watermark passes the end of its local day plus the allowed lateness: then it is
 * final and its state is removed.
 */
final class DailyAutoRateFunction extends KeyedProcessFunction<String, EnrichedHeartbeat, DailyAutoRate> {
    private static final long serialVersionUID = 1L;

    /** Separates the group's names in the state key; a control character no code contains. */
    private static final String SEP = "\u001f";

    private final String zone;
    private final long allowedLatenessMs;
    private final long emitIntervalMs;
    private transient ZoneId zoneId;
    private transient MapState<String, DailyGroup> groups;

    DailyAutoRateFunction(ZoneId zone, Duration allowedLateness, Duration emitInterval) {
        this.zone = zone.getId();
        this.allowedLatenessMs = allowedLateness.toMillis();
        this.emitIntervalMs = Math.max(1, emitInterval.toMillis());
    }

    @Override
    public void open(Configuration parameters) {
        zoneId = ZoneId.of(zone);
        groups = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("daily-groups", Types.STRING, Types.POJO(DailyGroup.class)));
    }

    @Override
    public void processElement(EnrichedHeartbeat e, Context ctx, Collector<DailyAutoRate> out) throws Exception {
        long ts = e.heartbeat.tsSecond;
        String groupKey = AutoRateMath.dateKey(ts, zoneId) + SEP + e.cityCode + SEP + e.areaCode + SEP + e.routeCode;
        DailyGroup g = groups.get(groupKey);
        if (g == null) {
            g = new DailyGroup();
            g.finalAtMs = AutoRateMath.endOfLocalDayMs(ts, zoneId) + allowedLatenessMs;
            ctx.timerService().registerEventTimeTimer(g.finalAtMs);
        }
        double km = AutoRateMath.kilometres(e.heartbeat.speed);
        g.totalSeconds++;
        g.totalKm += km;
        if (AutoRateMath.isAutonomous(e.heartbeat.drivingMode)) {
            g.autoSeconds++;
            g.autoKm += km;
        }
        if (!g.pending) {
            // a pending group already has its emit timer; one registration per emission keeps timers cheap
            g.pending = true;
            // never at or below the watermark: such a timer fires at the next watermark, which after a restore is the
            // kept one, re-applied before any record (an extra partial row); above it, it fires at the same moment
            long emitAt = (ts * 1000 / emitIntervalMs + 1) * emitIntervalMs;
            ctx.timerService().registerEventTimeTimer(Math.max(emitAt, ctx.timerService().currentWatermark() + 1));
        }
        groups.put(groupKey, g);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<DailyAutoRate> out) throws Exception {
        Iterator<Map.Entry<String, DailyGroup>> it = groups.iterator();
        while (it.hasNext()) {
            Map.Entry<String, DailyGroup> entry = it.next();
            DailyGroup g = entry.getValue();
            boolean isFinal = g.finalAtMs <= timestamp;
            if (g.pending) {
                g.version++;
                g.pending = false;
                out.collect(row(ctx.getCurrentKey(), entry.getKey(), g));
                if (!isFinal) entry.setValue(g);
            }
            if (isFinal) it.remove();
        }
        if (groups.isEmpty()) groups.clear(); // drop the empty map itself, not just its entries
    }

    private static DailyAutoRate row(String carId, String groupKey, DailyGroup g) {
        String[] names = groupKey.split(SEP, -1);
        DailyAutoRate r = new DailyAutoRate();
        r.dateKey = names[0];
        r.cityCode = names[1];
        r.areaCode = names[2];
        r.routeCode = names[3];
        r.carId = carId;
        r.totalDurationSeconds = g.totalSeconds;
        r.autoDurationSeconds = g.autoSeconds;
        r.autoRate = AutoRateMath.autoRate(g.autoSeconds, g.totalSeconds);
        r.totalMiles = g.totalKm;
        r.autoMiles = g.autoKm;
        r.version = g.version;
        return r;
    }
}
