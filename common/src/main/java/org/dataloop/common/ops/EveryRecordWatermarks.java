package org.dataloop.common.ops;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness, but the watermark advances after every record instead of on a timer. Used for
 * replays, so results depend only on the file, not on how fast the machine is.
 */
public final class EveryRecordWatermarks<T> implements WatermarkGenerator<T> {
    private final long boundMs;
    private long maxTimestamp = Long.MIN_VALUE;
    private long emitted = Long.MIN_VALUE;

    public EveryRecordWatermarks(long boundMs) {
        this.boundMs = boundMs;
    }

    @Override
    public void onEvent(T event, long timestamp, WatermarkOutput output) {
        if (timestamp == Long.MIN_VALUE) return; // dead letters carry no event time
        maxTimestamp = Math.max(maxTimestamp, timestamp);
        long wm = maxTimestamp - boundMs - 1;
        if (wm > emitted) {
            emitted = wm;
            output.emitWatermark(new Watermark(wm));
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {}
}
