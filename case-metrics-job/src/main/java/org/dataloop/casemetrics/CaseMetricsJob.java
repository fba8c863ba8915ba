package org.dataloop.casemetrics;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import org.dataloop.common.config.CommonOptions;
import org.dataloop.common.config.JobOptions;
import org.dataloop.common.dim.DimensionDef;
import org.dataloop.common.event.CaseChunk;
import org.dataloop.common.event.CaseDetail;
import org.dataloop.common.event.EnrichedHeartbeat;
import org.dataloop.common.event.MpsMpd;
import org.dataloop.common.heartbeat.AutoRateMath;
import org.dataloop.common.heartbeat.HeartbeatEnricher;
import org.dataloop.common.heartbeat.HeartbeatOptions;
import org.dataloop.common.heartbeat.HeartbeatStreams;
import org.dataloop.common.io.TableDef;
import org.dataloop.common.ops.KeepWatermark;
import org.dataloop.common.parse.CaseChunkParser;
import org.dataloop.common.parse.HeartbeatParser;
import org.dataloop.common.parse.RecordParser;
import org.dataloop.common.runtime.JobDefinition;
import org.dataloop.common.runtime.JobIO;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.tables.CaseMetricsTables;

/**
 * case-metrics-job: Kafka {@code case-mapping} → validate → {@code ods_case_mapping} (de-duplicated chunks) →
 * per car, with the car's heartbeat context → {@code dwd_case_detail}; Kafka {@code heartbeat} → validate →
 * de-duplicate → enrich → the car's context, and the fleet's autonomous km per day and city; both →
 * {@code dws_daily_mps_mpd} (lake) and {@code realtime_metrics} (Fluss): cases and dangerous cases per
 * 10,000 autonomous km per date, city and trigger type, and {@code ALL}.
 *
 * <p>Event time is the heartbeats' time: chunks are uploaded minutes to hours after their case, so the
 * case stream does not move the watermark (see {@link IdleWatermarks}).
 */
public final class CaseMetricsJob implements JobDefinition {

    public static final ConfigOption<Duration> CONTEXT_WINDOW = ConfigOptions.key("case.context-window")
            .durationType().defaultValue(Duration.ofSeconds(60))
            .withDescription("A case's context comes from the car's heartbeat nearest to its start within ± this.");
    public static final ConfigOption<Duration> CONTEXT_RETENTION = ConfigOptions.key("case.context-retention")
            .durationType().defaultValue(Duration.ofHours(48))
            .withDescription("How long heartbeat context, cases (after their start) and daily MPS/MPD groups (after their day)"
                    + " are kept in state. A case whose context window is older is resolved with what is left and counted"
                    + " in cases_beyond_retention; a count for a day older than this is dropped (late_records).");
    public static final ConfigOption<String> DANGEROUS_TYPES = ConfigOptions.key("case.dangerous-trigger-types")
            .stringType().defaultValue("collision,dangerous")
            .withDescription("Trigger types that count as dangerous for mpd, comma-separated.");
    public static final ConfigOption<Duration> EMIT_INTERVAL = ConfigOptions.key("metrics.emit-interval")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("A changed (date, city) group's MPS/MPD rows are re-emitted at most once per this much event time.");

    public static void main(String[] args) throws Exception {
        JobRunner.main(new CaseMetricsJob(), args);
    }

    @Override
    public String name() {
        return "case-metrics-job";
    }

    @Override
    public String summary() {
        return "Uploaded case chunks and fleet heartbeats to case details (ods_case_mapping, dwd_case_detail) and MPS/MPD\n"
                + "(cases and dangerous cases per 10,000 autonomous km) per day, city and trigger type (dws_daily_mps_mpd, realtime_metrics).";
    }

    @Override
    public List<RecordParser<?>> streams() {
        return List.of(new HeartbeatParser(), new CaseChunkParser());
    }

    @Override
    public List<DimensionDef> dimensions() {
        List<DimensionDef> dims = new ArrayList<>(HeartbeatEnricher.DIMENSIONS);
        dims.add(DimensionDef.DIM_ORDER);
        return dims;
    }

    @Override
    public List<TableDef<?>> outputs() {
        return List.of(CaseMetricsTables.ODS_CASE_MAPPING, CaseMetricsTables.DWD_CASE_DETAIL,
                CaseMetricsTables.DWS_DAILY_MPS_MPD, CaseMetricsTables.REALTIME_METRICS);
    }

    @Override
    public List<ConfigOption<?>> options() {
        return List.of(HeartbeatOptions.OUT_OF_ORDERNESS, HeartbeatOptions.ALLOWED_LATENESS,
                CONTEXT_WINDOW, CONTEXT_RETENTION, DANGEROUS_TYPES, EMIT_INTERVAL);
    }

    @Override
    public void defineWorkflow(JobIO io, JobOptions options) {
        ZoneId zone = options.zone();
        Duration retention = options.get(CONTEXT_RETENTION);
        Duration dimRefresh = options.get(CommonOptions.DIM_REFRESH_INTERVAL);

        SingleOutputStreamOperator<EnrichedHeartbeat> enriched = HeartbeatStreams.enriched(io, options, HeartbeatStreams.unique(io, options));

        // chunks do not move event time: from Kafka the case stream is idle for event time; from a bounded source (a
        // replay file, the simulator) it holds event time until it is read, so that no case is read after the
        // heartbeats' end has finished every day (a replay's rows must not depend on which file is read faster)
        boolean bounded = options.replay() || options.get(CommonOptions.SOURCE) == CommonOptions.SourceKind.simulator;
        WatermarkStrategy<CaseChunk> caseTime = bounded ? WatermarkStrategy.noWatermarks()
                : WatermarkStrategy.forGenerator(ctx -> new IdleWatermarks<>());
        SingleOutputStreamOperator<CaseChunk> chunks = io.read(new CaseChunkParser(), Duration.ZERO)
                .assignTimestampsAndWatermarks(caseTime.withTimestampAssigner((c, ts) -> c.startTs))
                .uid("case-time").name("case time")
                .keyBy(c -> c.caseId, Types.STRING)
                .process(new CaseOwnerFunction(options.job(), retention), TypeInformation.of(CaseChunk.class))
                .uid("case-owner").name("one car per case");
        io.deadLetters(chunks.getSideOutput(CaseOwnerFunction.CONFLICTS));

        // still partitioned by car from the de-duplication (enrichment and filter are forward): no second shuffle
        SingleOutputStreamOperator<EnrichedHeartbeat> contextHeartbeats = enriched
                .transform("on-time heartbeats", TypeInformation.of(EnrichedHeartbeat.class), KeepWatermark.of(new OnTimeHeartbeats()))
                .uid("on-time-heartbeats");
        SingleOutputStreamOperator<CaseDetail> details = DataStreamUtils
                .reinterpretAsKeyedStream(contextHeartbeats, e -> e.heartbeat.carId, Types.STRING)
                .connect(chunks.keyBy(c -> c.carId, Types.STRING))
                .transform("cases with context", TypeInformation.of(CaseDetail.class),
                        KeepWatermark.of(new CaseContextFunction(options.job(), zone, options.get(CONTEXT_WINDOW), retention,
                                io.dimensions(List.of(DimensionDef.DIM_ORDER)), dimRefresh)))
                .uid("case-context");
        io.write(CaseMetricsTables.ODS_CASE_MAPPING, details.getSideOutput(CaseContextFunction.CHUNKS));
        io.deadLetters(details.getSideOutput(CaseContextFunction.LATE));
        io.write(CaseMetricsTables.DWD_CASE_DETAIL, details);

        DataStream<MetricDelta> autonomousKm = enriched
                .filter(e -> AutoRateMath.isAutonomous(e.heartbeat.drivingMode)).uid("autonomous").name("autonomous heartbeats")
                .map(e -> MetricDelta.km(AutoRateMath.dateKey(e.heartbeat.tsSecond, zone), e.cityCode, AutoRateMath.kilometres(e.heartbeat.speed)))
                .returns(MetricDelta.class).uid("autonomous-km").name("autonomous km");
        Set<String> dangerous = dangerousTypes(options);
        SingleOutputStreamOperator<MpsMpd> metrics = autonomousKm
                .union(details.getSideOutput(CaseContextFunction.CASE_COUNTS))
                .keyBy(MetricDelta::group, Types.STRING)
                .transform("daily MPS/MPD", TypeInformation.of(MpsMpd.class),
                        KeepWatermark.of(new MpsMpdFunction(options.job(), zone, retention, options.get(EMIT_INTERVAL), dangerous)))
                .uid("mps-mpd");
        io.deadLetters(metrics.getSideOutput(MpsMpdFunction.LATE));
        io.write(CaseMetricsTables.DWS_DAILY_MPS_MPD, metrics);
        io.write(CaseMetricsTables.REALTIME_METRICS, metrics);
    }

    /** The dangerous trigger types: the option's comma-separated names, trimmed. */
    public static Set<String> dangerousTypes(JobOptions options) {
        Set<String> types = new HashSet<>();
        for (String t : options.get(DANGEROUS_TYPES).split(",")) if (!t.isBlank()) types.add(t.trim());
        return types;
    }

    /**
     * Watermarks for a stream that must not take part in event time: it declares itself idle, so a two-input
     * operator's watermark is its other input's alone (and does not move while that one is idle too). Its records
     * still flow; they are never dropped as late.
     */
    static final class IdleWatermarks<T> implements WatermarkGenerator<T> {
        @Override
        public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.markIdle();
        }
    }
}
