package org.dataloop.heartbeat;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.dim.DimensionDef;
import org.dataloop.common.event.DailyAutoRate;
import org.dataloop.common.event.EnrichedHeartbeat;
import org.dataloop.common.event.Heartbeat;
import org.dataloop.common.heartbeat.HeartbeatEnricher;
import org.dataloop.common.heartbeat.HeartbeatOptions;
import org.dataloop.common.heartbeat.HeartbeatStreams;
import org.dataloop.common.io.TableDef;
import org.dataloop.common.ops.KeepWatermark;
import org.dataloop.common.parse.HeartbeatParser;
import org.dataloop.common.parse.RecordParser;
import org.dataloop.common.runtime.JobDefinition;
import org.dataloop.common.runtime.JobIO;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.tables.HeartbeatTables;

/**
 * heartbeat-job: Kafka {@code heartbeat} → validate → de-duplicate → {@code ods_heartbeat} (lake) →
 * enrich with dim_car/dim_city_area/dim_route → {@code realtime_heartbeat} (Fluss) and
 * {@code dwd_heartbeat_clean} (lake) → per car and local day → {@code dws_daily_auto_rate} (lake upserts).
 */
public final class HeartbeatJob implements JobDefinition {

    public static final ConfigOption<Duration> EMIT_INTERVAL = ConfigOptions.key("auto-rate.emit-interval")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("A changed daily row is re-emitted at most once per this much event time.");

    public static void main(String[] args) throws Exception {
        JobRunner.main(new HeartbeatJob(), args);
    }

    @Override
    public String name() {
        return "heartbeat-job";
    }

    @Override
    public String summary() {
        return "Vehicle heartbeats (1 Hz) to the lake (ods_heartbeat, dwd_heartbeat_clean), Fluss (realtime_heartbeat)\n"
                + "and each car's daily autonomous-driving rate and mileage (dws_daily_auto_rate).";
    }

    @Override
    public List<RecordParser<?>> streams() {
        return List.of(new HeartbeatParser());
    }

    @Override
    public List<DimensionDef> dimensions() {
        return HeartbeatEnricher.DIMENSIONS;
    }

    @Override
    public List<TableDef<?>> outputs() {
        return List.of(HeartbeatTables.ODS_HEARTBEAT, HeartbeatTables.REALTIME_HEARTBEAT,
                HeartbeatTables.DWD_HEARTBEAT_CLEAN, HeartbeatTables.DWS_DAILY_AUTO_RATE);
    }

    @Override
    public List<ConfigOption<?>> options() {
        return List.of(HeartbeatOptions.OUT_OF_ORDERNESS, HeartbeatOptions.ALLOWED_LATENESS, EMIT_INTERVAL);
    }

    @Override
    public void defineWorkflow(JobIO io, JobOptions options) {
        ZoneId zone = options.zone();
        Duration lateness = options.get(HeartbeatOptions.ALLOWED_LATENESS);

        SingleOutputStreamOperator<Heartbeat> unique = HeartbeatStreams.unique(io, options);
        io.write(HeartbeatTables.ODS_HEARTBEAT, unique);
        SingleOutputStreamOperator<EnrichedHeartbeat> enriched = HeartbeatStreams.enriched(io, options, unique);
        io.write(HeartbeatTables.REALTIME_HEARTBEAT, enriched);
        io.write(HeartbeatTables.DWD_HEARTBEAT_CLEAN, enriched);

        // still partitioned by car from the de-duplication (the enrichment is a forward map): no second shuffle
        SingleOutputStreamOperator<DailyAutoRate> daily = DataStreamUtils
                .reinterpretAsKeyedStream(enriched, e -> e.heartbeat.carId, Types.STRING)
                .transform("daily auto-rate", TypeInformation.of(DailyAutoRate.class),
                        KeepWatermark.of(new DailyAutoRateFunction(zone, lateness, options.get(EMIT_INTERVAL))))
                .uid("daily-auto-rate");
        io.write(HeartbeatTables.DWS_DAILY_AUTO_RATE, daily);
    }
}
