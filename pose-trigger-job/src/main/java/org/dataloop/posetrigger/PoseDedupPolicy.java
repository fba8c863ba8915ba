package org.dataloop.posetrigger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.dataloop.common.event.PoseSample;
import org.dataloop.common.io.RowJson;
import org.dataloop.common.ops.DedupPolicy;

/**
 * Pose samples are unique per (car_id, timestamp_ms). A sample is late when it is older than the watermark
 * when it arrives ({@code timestamp_ms < watermark}, contract §2 pose). Seen timestamps are forgotten at a coarser
 * horizon, the end of the sample's cleanup interval, so the de-duplicator registers one cleanup timer per
 * car and interval rather than one per sample.
 */
final class PoseDedupPolicy implements DedupPolicy<PoseSample> {
    private static final long serialVersionUID = 1L;

    private final long cleanupIntervalMs;

    PoseDedupPolicy(Duration cleanupInterval) {
        this.cleanupIntervalMs = Math.max(1, cleanupInterval.toMillis());
    }

    @Override
    public long slot(PoseSample p) {
        return p.timestampMs;
    }

    /** The end of the cleanup interval holding the sample (always after it). */
    @Override
    public long horizonMs(long timestampMs) {
        return (Math.floorDiv(timestampMs, cleanupIntervalMs) + 1) * cleanupIntervalMs;
    }

    @Override
    public boolean isLate(long timestampMs, long watermark) {
        return timestampMs < watermark;
    }

    @Override
    public String toJson(PoseSample p) {
        return new String(RowJson.toJson(PoseTables.ODS_POSE, p, false), StandardCharsets.UTF_8);
    }

    @Override
    public String stream() {
        return "pose";
    }
}
