package org.dataloop.casemetrics;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import org.dataloop.common.event.EnrichedHeartbeat;

/**
 * Keeps the heartbeats that are not behind the heartbeat stream's own watermark: the ones a case's context may
 * come from. A case is resolved once the watermark passes its window, so a heartbeat behind the watermark may
 * come after cases that it could have given context to; using it only for later cases would make a case's
 * context depend on when it was resolved. (Such heartbeats still count for the kilometres.)
 */
final class OnTimeHeartbeats extends ProcessFunction<EnrichedHeartbeat, EnrichedHeartbeat> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(EnrichedHeartbeat e, Context ctx, Collector<EnrichedHeartbeat> out) {
        if (e.heartbeat.tsSecond * 1000 > ctx.timerService().currentWatermark()) out.collect(e);
    }
}
