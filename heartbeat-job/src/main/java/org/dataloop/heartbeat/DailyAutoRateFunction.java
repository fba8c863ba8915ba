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

/**
 * Per car: the daily auto-rate and mileage of each (date_key, city, area, route) group it drove in.
 * Input is de-duplicated and not late, so each heartbeat is one distinct second. A changed group is
 * re-emitted at most once per emit interval of event time (an upsert; version 1 is the insert), and
 * once more when the watermark passes the end of its local day plus the allowed lateness: then it is
 * final and its state is removed.
 */
final class DailyAutoRateFunction extends KeyedProcessFunction<String, EnrichedHeartbeat, DailyAutoRate> {
    private static final long serialVersionUID = 1L;

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
        String dateKey = AutoRateMath.dateKey(ts, zoneId);
        String groupKey = dateKey + '|' + e.cityCode + '|' + e.areaCode + '|' + e.routeCode;
        DailyGroup g = groups.get(groupKey);
        if (g == null) {
            g = new DailyGroup();
            g.row = new DailyAutoRate();
            g.row.dateKey = dateKey;
            g.row.cityCode = e.cityCode;
            g.row.areaCode = e.areaCode;
            g.row.routeCode = e.routeCode;
            g.row.carId = e.heartbeat.carId;
            g.finalAtMs = AutoRateMath.endOfLocalDayMs(ts, zoneId) + allowedLatenessMs;
            ctx.timerService().registerEventTimeTimer(g.finalAtMs);
        }
        double km = AutoRateMath.kilometres(e.heartbeat.speed);
        DailyAutoRate r = g.row;
        r.totalDurationSeconds++;
        r.totalMiles += km;
        if (AutoRateMath.isAutonomous(e.heartbeat.drivingMode)) {
            r.autoDurationSeconds++;
            r.autoMiles += km;
        }
        r.autoRate = AutoRateMath.autoRate(r.autoDurationSeconds, r.totalDurationSeconds);
        g.pending = true;
        groups.put(groupKey, g);
        ctx.timerService().registerEventTimeTimer((ts * 1000 / emitIntervalMs + 1) * emitIntervalMs);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<DailyAutoRate> out) throws Exception {
        Iterator<Map.Entry<String, DailyGroup>> it = groups.iterator();
        while (it.hasNext()) {
            Map.Entry<String, DailyGroup> entry = it.next();
            DailyGroup g = entry.getValue();
            boolean isFinal = g.finalAtMs <= timestamp;
            if (g.pending) {
                g.row.version++;
                out.collect(copy(g.row));
                g.pending = false;
                if (!isFinal) entry.setValue(g);
            }
            if (isFinal) it.remove();
        }
        if (groups.isEmpty()) groups.clear(); // drop the empty map itself, not just its entries
    }

    private static DailyAutoRate copy(DailyAutoRate r) {
        DailyAutoRate c = new DailyAutoRate();
        c.dateKey = r.dateKey;
        c.cityCode = r.cityCode;
        c.areaCode = r.areaCode;
        c.routeCode = r.routeCode;
        c.carId = r.carId;
        c.totalDurationSeconds = r.totalDurationSeconds;
        c.autoDurationSeconds = r.autoDurationSeconds;
        c.autoRate = r.autoRate;
        c.totalMiles = r.totalMiles;
        c.autoMiles = r.autoMiles;
        c.version = r.version;
        return c;
    }
}
