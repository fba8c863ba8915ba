package org.dataloop.common.heartbeat;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import org.dataloop.common.config.CommonOptions;
import org.dataloop.common.config.JobOptions;
import org.dataloop.common.event.EnrichedHeartbeat;
import org.dataloop.common.event.Heartbeat;
import org.dataloop.common.ops.KeepWatermark;
import org.dataloop.common.ops.TimeSlotDeduplicator;
import org.dataloop.common.parse.HeartbeatParser;
import org.dataloop.common.runtime.JobIO;

/** The heartbeat stream as every job that reads it needs it, with the same operators and uids in each job. */
public final class HeartbeatStreams {
    private HeartbeatStreams() {}

    /** Valid heartbeats, first arrival per (car_id, ts_second); late ones go to the job's dead letters. Keyed by car. */
    public static SingleOutputStreamOperator<Heartbeat> unique(JobIO io, JobOptions options) {
        SingleOutputStreamOperator<Heartbeat> heartbeats = io.read(new HeartbeatParser(), options.get(HeartbeatOptions.OUT_OF_ORDERNESS));
        SingleOutputStreamOperator<Heartbeat> unique = heartbeats
                .keyBy(h -> h.carId, Types.STRING)
                .transform("de-duplicate heartbeats", heartbeats.getType(), KeepWatermark.of(new TimeSlotDeduplicator<>(options.job(),
                        new HeartbeatDedupPolicy(options.zone(), options.get(HeartbeatOptions.ALLOWED_LATENESS)))))
                .uid("dedup-heartbeat");
        io.deadLetters(unique.getSideOutput(TimeSlotDeduplicator.LATE));
        return unique;
    }

    /** The heartbeats with their dimension context (a forward map: still partitioned by car). */
    public static SingleOutputStreamOperator<EnrichedHeartbeat> enriched(JobIO io, JobOptions options, DataStream<Heartbeat> unique) {
        return unique
                .map(new HeartbeatEnricher(io.dimensions(HeartbeatEnricher.DIMENSIONS), options.get(CommonOptions.DIM_REFRESH_INTERVAL)))
                .returns(EnrichedHeartbeat.class)
                .uid("enrich-heartbeat").name("enrich heartbeats");
    }
}
