package org.dataloop.casemetrics;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import org.dataloop.common.dim.DimensionLookup;
import org.dataloop.common.dim.DimensionDef;
import org.dataloop.common.dim.DimensionTables;
import org.dataloop.common.event.CaseChunk;
import org.dataloop.common.event.CaseDetail;
import org.dataloop.common.event.DeadLetter;
import org.dataloop.common.event.EnrichedHeartbeat;
import org.dataloop.common.heartbeat.AutoRateMath;
import org.dataloop.common.heartbeat.HeartbeatEnricher;
import org.dataloop.common.io.RowJson;
import org.dataloop.common.metrics.JobCounter;
import org.dataloop.common.tables.CaseMetricsTables;

/**
 * Per car: its recent heartbeat context (as {@link ContextSegment}s) and its cases. A case is emitted once
 * the event time (the heartbeat watermark) has passed {@code start_ts + window}: then every heartbeat that
 * can give it context has arrived, so a case uploaded before its heartbeats still gets the right context.
 * Its context is the heartbeat nearest to {@code start_ts} within ±window (ties: the earlier), else
 * {@code UNKNOWN}. Later chunks update the case (a new earliest start re-resolves the context).
 *
 * <p>Outputs: the {@code dwd_case_detail} rows; side outputs {@link #CHUNKS} (first arrivals of each chunk,
 * for {@code ods_case_mapping}), {@link #CASE_COUNTS} (+1/−1 per date, city and trigger type) and {@link #LATE} (a
 * chunk without a case whose day is already final: its case expired with its day, or arrived after it).
 *
 * <p>State is bounded by {@code retention}: heartbeat context older than the watermark minus retention is
 * dropped, and a case once its day's MPS/MPD group is final (retention after the day ends) and at least
 * retention after its first chunk arrived. A case whose context window is already older than that is resolved with what is left
 * and counted in {@code cases_beyond_retention}.
 */
public final class CaseContextFunction extends KeyedCoProcessFunction<String, EnrichedHeartbeat, CaseChunk, CaseDetail>
        {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<CaseChunk> CHUNKS = new OutputTag<>("case-chunks") {};
    public static final OutputTag<MetricDelta> CASE_COUNTS = new OutputTag<>("case-counts") {};
    /** Chunks of a case whose day is already final (its MPS/MPD group too): dead letters, reason {@code late}. */
    public static final OutputTag<DeadLetter> LATE = new OutputTag<>("late-case-chunks", TypeInformation.of(DeadLetter.class));
    public static final String CASES_BEYOND_RETENTION = "cases_beyond_retention";

    private static final long CLEANUP_GRANULARITY_MS = 60_000;

    private final String job;
    private final String zone;
    private final long windowMs;
    private final long retentionMs;
    private final DimensionTables dimensionTables;
    private final Duration dimRefresh;

    private transient ZoneId zoneId;
    private transient ValueState<ContextSegment> openSegment;
    private transient MapState<Long, ContextSegment> closedSegments;
    private transient MapState<String, CaseState> cases;
    private transient DimensionLookup orders;
    private transient JobCounter duplicates;
    private transient JobCounter beyondRetention;
    private transient JobCounter late;

    public CaseContextFunction(String job, ZoneId zone, Duration window, Duration retention, DimensionTables dimensionTables, Duration dimRefresh) {
        this.job = job;
        this.zone = zone.getId();
        this.windowMs = window.toMillis();
        this.retentionMs = retention.toMillis();
        this.dimensionTables = dimensionTables;
        this.dimRefresh = dimRefresh;
    }

    @Override
    public void open(Configuration parameters) throws Exception {
        zoneId = ZoneId.of(zone);
        openSegment = getRuntimeContext().getState(new ValueStateDescriptor<>("open-segment", Types.POJO(ContextSegment.class)));
        closedSegments = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("closed-segments", Types.LONG, Types.POJO(ContextSegment.class)));
        cases = getRuntimeContext().getMapState(new MapStateDescriptor<>("cases", Types.STRING, Types.POJO(CaseState.class)));
        // dim_order grows with every order ever placed: looked up by key, not held whole
        orders = new DimensionLookup(dimensionTables, DimensionDef.DIM_ORDER, dimensionTables.lookupCacheRows(), dimRefresh,
                getRuntimeContext().getMetricGroup().addGroup("dataloop"));
        duplicates = JobCounter.register(getRuntimeContext(), JobCounter.DUPLICATES_DROPPED, "stream", "case_mapping");
        beyondRetention = JobCounter.register(getRuntimeContext(), CASES_BEYOND_RETENTION, "stream", "case_mapping");
        late = JobCounter.register(getRuntimeContext(), JobCounter.LATE_RECORDS, "stream", "case_mapping");
    }

    @Override
    public void close() throws Exception {
        if (orders != null) orders.close();
    }

    /** A heartbeat (de-duplicated, enriched, not behind the heartbeat watermark): extends the car's context. */
    @Override
    public void processElement1(EnrichedHeartbeat e, Context ctx, Collector<CaseDetail> out) throws Exception {
        long second = e.heartbeat.tsSecond;
        ContextSegment open = openSegment.value();
        if (open != null && open.contains(second)) return;
        if (open != null && second == open.lastSecond + 1 && open.sameContext(e)) {
            open.lastSecond = second;
            openSegment.update(open);
            return;
        }
        if (open != null && second < open.firstSecond) {
            closedSegments.put(second, ContextSegment.of(e)); // out of order: a segment of its own
        } else {
            if (open != null) closedSegments.put(open.firstSecond, open);
            openSegment.update(ContextSegment.of(e));
        }
        ctx.timerService().registerEventTimeTimer(cleanupTime(second));
    }

    /** A case chunk: first arrivals go to the ODS and update their case. */
    @Override
    public void processElement2(CaseChunk chunk, Context ctx, Collector<CaseDetail> out) throws Exception {
        CaseState state = cases.get(chunk.caseId);
        if (state != null && state.hasChunk(chunk.chunkId)) {
            duplicates.inc();
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        boolean intoAFinalDay = state == null || chunk.startTs < state.row.startTs;
        if (intoAFinalDay && dayFinalMs(chunk) <= watermark) {
            // its case is gone with its day (or never was), or the chunk would move the case into a final day: a row
            // written for it would overwrite the case's row, and its count would change a final MPS/MPD row
            late.inc();
            ctx.output(LATE, DeadLetter.of(job, "case_mapping", "late", "the case's day is final: the watermark is at "
                    + watermark + " ms", new String(RowJson.toJson(CaseMetricsTables.ODS_CASE_MAPPING, chunk, false), StandardCharsets.UTF_8)));
            return;
        }
        ctx.output(CHUNKS, chunk);
        long previousStart = state == null ? Long.MAX_VALUE : state.row.startTs;
        if (state == null) {
            state = newCase(chunk, watermark);
            ctx.timerService().registerEventTimeTimer(state.expireAtMs);
        } else {
            addChunk(state, chunk);
        }
        if (state.row.startTs < previousStart) state.resolved = false;
        if (state.resolved) {
            emit(state, ctx, out);
        } else if (state.row.startTs + windowMs <= watermark) {
            resolve(state, watermark);
            emit(state, ctx, out);
        } else {
            ctx.timerService().registerEventTimeTimer(state.row.startTs + windowMs);
        }
        cases.put(chunk.caseId, state);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CaseDetail> out) throws Exception {
        Iterator<Map.Entry<String, CaseState>> it = cases.iterator();
        while (it.hasNext()) {
            Map.Entry<String, CaseState> entry = it.next();
            CaseState state = entry.getValue();
            if (!state.resolved && state.row.startTs + windowMs <= timestamp) {
                resolve(state, timestamp);
                emit(state, ctx, out);
                entry.setValue(state);
            }
            if (state.expireAtMs <= timestamp) it.remove();
        }
        if (cases.isEmpty()) cases.clear();

        Iterator<ContextSegment> segments = closedSegments.values().iterator();
        while (segments.hasNext()) {
            if (expired(segments.next(), timestamp)) segments.remove();
        }
        if (closedSegments.isEmpty()) closedSegments.clear();
        ContextSegment open = openSegment.value();
        if (open != null && expired(open, timestamp)) {
            openSegment.clear();
        } else if (open != null) {
            ctx.timerService().registerEventTimeTimer(cleanupTime(open.lastSecond));
        }
    }

    private boolean expired(ContextSegment s, long watermark) {
        return s.lastSecond * 1000 + retentionMs <= watermark;
    }

    /** Cleanup timers are rounded up to the minute, so a car has at most one per minute of event time. */
    private long cleanupTime(long second) {
        long due = second * 1000 + retentionMs;
        return (Math.floorDiv(due, CLEANUP_GRANULARITY_MS) + 1) * CLEANUP_GRANULARITY_MS;
    }

    private CaseState newCase(CaseChunk chunk, long watermark) {
        CaseState state = new CaseState();
        CaseDetail row = new CaseDetail();
        row.caseId = chunk.caseId;
        row.carId = chunk.carId;
        row.startTs = chunk.startTs;
        row.endTs = chunk.endTs;
        row.fileSize = chunk.fileSize == null ? 0 : chunk.fileSize;
        row.chunkCount = 1;
        state.row = row;
        state.chunkIds = new String[] {chunk.chunkId};
        showFirstChunk(state, chunk);
        // kept while its day can still change (the day's MPS/MPD group is final retention after the day ends), and at
        // least retention after it arrived: a later chunk then still finds the case
        state.expireAtMs = Math.max(dayFinalMs(chunk), saturatedAdd(watermark, retentionMs));
        return state;
    }

    /** When the chunk's day, and its MPS/MPD group, is final: the end of its local day plus the retention. */
    private long dayFinalMs(CaseChunk chunk) {
        return AutoRateMath.endOfLocalDayMs(Math.floorDiv(chunk.startTs, 1000), zoneId) + retentionMs;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return b > 0 && sum < a ? Long.MAX_VALUE : sum;
    }

    private static void addChunk(CaseState state, CaseChunk chunk) {
        CaseDetail row = state.row;
        if (CaseMath.isBefore(chunk, row.startTs, state.firstChunkId)) showFirstChunk(state, chunk);
        row.startTs = Math.min(row.startTs, chunk.startTs);
        row.endTs = Math.max(row.endTs, chunk.endTs);
        row.fileSize += chunk.fileSize == null ? 0 : chunk.fileSize;
        row.chunkCount++;
        state.chunkIds = Arrays.copyOf(state.chunkIds, state.chunkIds.length + 1);
        state.chunkIds[state.chunkIds.length - 1] = chunk.chunkId;
    }

    private static void showFirstChunk(CaseState state, CaseChunk chunk) {
        state.firstChunkId = chunk.chunkId;
        state.row.filePath = chunk.filePath;
        state.row.dataType = chunk.dataType;
        state.row.triggerType = chunk.triggerType;
    }

    /** Sets the context from the heartbeat nearest to start_ts within ±window, and the order from dim_order. */
    private void resolve(CaseState state, long watermark) throws Exception {
        CaseDetail row = state.row;
        if (row.startTs - windowMs + retentionMs <= watermark) beyondRetention.inc();
        ContextSegment best = null;
        long bestSecond = 0;
        long bestDistance = Long.MAX_VALUE;
        List<ContextSegment> segments = new ArrayList<>();
        closedSegments.values().forEach(segments::add);
        if (openSegment.value() != null) segments.add(openSegment.value());
        for (ContextSegment s : segments) {
            long second = CaseMath.nearestSecond(s.firstSecond, s.lastSecond, row.startTs);
            long distance = Math.abs(second * 1000 - row.startTs);
            if (distance < bestDistance || distance == bestDistance && second < bestSecond) {
                best = s;
                bestSecond = second;
                bestDistance = distance;
            }
        }
        if (best != null && bestDistance <= windowMs) {
            row.cityCode = best.cityCode;
            row.areaCode = best.areaCode;
            row.routeCode = best.routeCode;
            row.taskId = best.taskId;
            row.contextTsSecond = bestSecond;
        } else {
            row.cityCode = HeartbeatEnricher.UNKNOWN;
            row.areaCode = HeartbeatEnricher.UNKNOWN;
            row.routeCode = HeartbeatEnricher.UNKNOWN;
            row.taskId = null;
            row.contextTsSecond = null;
        }
        Map<String, Object> order = row.taskId == null ? null : orders.get(row.taskId);
        row.orderId = order == null || order.get("order_id") == null ? null : order.get("order_id").toString();
        row.customerId = order == null || order.get("customer_id") == null ? null : order.get("customer_id").toString();
        row.dateKey = AutoRateMath.dateKey(Math.floorDiv(row.startTs, 1000), zoneId);
        state.resolved = true;
    }

    /** Emits the case's row and moves its count when its date, city or trigger type changed. */
    private void emit(CaseState state, Context ctx, Collector<CaseDetail> out) {
        CaseDetail row = state.row;
        CaseDetail last = state.emitted;
        boolean moved = last != null && !(last.dateKey.equals(row.dateKey)
                && last.cityCode.equals(row.cityCode) && last.triggerType.equals(row.triggerType));
        if (moved) ctx.output(CASE_COUNTS, MetricDelta.cases(last.dateKey, last.cityCode, last.triggerType, -1));
        if (last == null || moved) ctx.output(CASE_COUNTS, MetricDelta.cases(row.dateKey, row.cityCode, row.triggerType, 1));
        if (last != null && !last.dateKey.equals(row.dateKey)) {
            // the date is part of the key of date-partitioned copies (Doris): retract the row under its old date
            last.op = "-D";
            out.collect(last);
            row.op = "+I";
        } else {
            row.op = last == null ? "+I" : "+U";
        }
        state.emitted = row.copy();
        out.collect(row.copy());
    }
}
