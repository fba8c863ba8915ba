package org.dataloop.casemetrics;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import org.dataloop.common.event.DeadLetter;
import org.dataloop.common.event.MpsMpd;
import org.dataloop.common.metrics.JobCounter;
import org.dataloop.common.parse.JsonParsers;

/**
 * Per (date_key, city_code): the fleet's autonomous km and the cases per trigger type, emitted as the rows
 * of each trigger type and the {@code ALL} row. A changed group is re-emitted at most once per emit interval
 * of event time (all its rows, since km move every mps); a trigger type left without cases is deleted. The
 * group is final, and its state dropped, once the watermark passes the end of its local day plus the
 * retention; changes for a final group are dead letters, reason {@code late} ({@link #LATE}, counted in
 * {@code late_records}), also right after a restore (the highest watermark seen is kept in the checkpoints).
 */
public final class MpsMpdFunction extends KeyedProcessFunction<String, MetricDelta, MpsMpd> {
    private static final long serialVersionUID = 1L;

    /** Changes for a final group, as dead letters. */
    public static final OutputTag<DeadLetter> LATE = new OutputTag<>("late-metric-deltas", TypeInformation.of(DeadLetter.class));

    private final String job;
    private final String zone;
    private final long retentionMs;
    private final long emitIntervalMs;
    private final Set<String> dangerousTypes;

    private transient ZoneId zoneId;
    private transient ValueState<DayCityState> group;
    private transient MapState<String, TriggerCount> triggers;
    private transient JobCounter late;

    public MpsMpdFunction(String job, ZoneId zone, Duration retention, Duration emitInterval, Set<String> dangerousTypes) {
        this.job = job;
        this.zone = zone.getId();
        this.retentionMs = retention.toMillis();
        this.emitIntervalMs = Math.max(1, emitInterval.toMillis());
        this.dangerousTypes = new HashSet<>(dangerousTypes);
    }

    @Override
    public void open(Configuration parameters) {
        zoneId = ZoneId.of(zone);
        group = getRuntimeContext().getState(new ValueStateDescriptor<>("day-city", Types.POJO(DayCityState.class)));
        triggers = getRuntimeContext().getMapState(new MapStateDescriptor<>("trigger-counts", Types.STRING, Types.POJO(TriggerCount.class)));
        late = JobCounter.register(getRuntimeContext(), JobCounter.LATE_RECORDS, "stream", "case_metrics");
    }

    @Override
    public void processElement(MetricDelta delta, Context ctx, Collector<MpsMpd> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        DayCityState g = group.value();
        if (g == null) {
            g = new DayCityState();
            g.finalAtMs = LocalDate.parse(delta.dateKey).plusDays(1).atStartOfDay(zoneId).toInstant().toEpochMilli() + retentionMs;
            if (g.finalAtMs <= watermark) {
                late.inc();
                ctx.output(LATE, DeadLetter.of(job, "case_metrics", "late", "the day's MPS/MPD group is final: the watermark is at "
                        + watermark + " ms", json(delta)));
                return;
            }
            ctx.timerService().registerEventTimeTimer(g.finalAtMs);
        }
        if (delta.triggerType == null) {
            g.autoKm += delta.km;
        } else {
            TriggerCount t = triggers.get(delta.triggerType);
            if (t == null) t = new TriggerCount();
            t.cases += delta.cases;
            triggers.put(delta.triggerType, t);
        }
        if (!g.pending) {
            g.pending = true;
            long base = Math.max(watermark, 0);
            ctx.timerService().registerEventTimeTimer((base / emitIntervalMs + 1) * emitIntervalMs);
        }
        group.update(g);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MpsMpd> out) throws Exception {
        DayCityState g = group.value();
        if (g == null) return;
        if (g.pending) {
            emit(ctx.getCurrentKey(), g, out);
            g.pending = false;
            group.update(g);
        }
        if (g.finalAtMs <= timestamp) {
            group.clear();
            triggers.clear();
        }
    }

    private void emit(String key, DayCityState g, Collector<MpsMpd> out) throws Exception {
        String[] dateAndCity = key.split("\u001f", -1);
        long now = System.currentTimeMillis();
        long all = 0;
        long dangerous = 0;
        Iterator<Map.Entry<String, TriggerCount>> it = triggers.iterator();
        while (it.hasNext()) {
            Map.Entry<String, TriggerCount> e = it.next();
            TriggerCount t = e.getValue();
            boolean isDangerous = CaseMath.isDangerous(e.getKey(), dangerousTypes);
            all += t.cases;
            if (isDangerous) dangerous += t.cases;
            if (MpsMpd.ALL.equals(e.getKey())) continue; // a trigger type named ALL counts only in the ALL row
            if (t.cases > 0) {
                out.collect(row(dateAndCity, e.getKey(), t.cases, isDangerous ? t.cases : 0, g.autoKm, now, t.emitted ? "+U" : "+I"));
                t.emitted = true;
                e.setValue(t);
            } else {
                // deleted even if this run never emitted it: a restore rolls the flag back, not Fluss's rows
                out.collect(row(dateAndCity, e.getKey(), 0, 0, g.autoKm, now, "-D"));
                it.remove();
            }
        }
        out.collect(row(dateAndCity, MpsMpd.ALL, all, dangerous, g.autoKm, now, g.allEmitted ? "+U" : "+I"));
        g.allEmitted = true;
    }

    /** A delta as the JSON of a dead letter's {@code raw}. */
    static String json(MetricDelta d) {
        ObjectNode n = JsonParsers.MAPPER.createObjectNode().put("date_key", d.dateKey).put("city_code", d.cityCode);
        if (d.triggerType == null) {
            n.put("km", d.km);
        } else {
            n.put("trigger_type", d.triggerType).put("cases", d.cases);
        }
        return n.toString();
    }

    static MpsMpd row(String[] dateAndCity, String triggerType, long cases, long dangerous, double km, long now, String op) {
        MpsMpd r = new MpsMpd();
        r.dateKey = dateAndCity[0];
        r.cityCode = dateAndCity[1];
        r.triggerType = triggerType;
        r.caseCount = cases;
        r.dangerousCaseCount = dangerous;
        r.totalMiles = km;
        r.mps = CaseMath.perTenThousandKm(cases, km);
        r.mpd = CaseMath.perTenThousandKm(dangerous, km);
        r.updateTime = now;
        r.op = op;
        return r;
    }
}
