package org.dataloop.common.heartbeat;

import java.time.Duration;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Options of the heartbeat stream, shared by every job that reads it (heartbeat-job, case-metrics-job). */
public final class HeartbeatOptions {
    private HeartbeatOptions() {}

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS = ConfigOptions.key("heartbeat.out-of-orderness")
            .durationType().defaultValue(Duration.ofSeconds(5))
            .withDescription("How far heartbeats may arrive out of order (watermark bound).");
    public static final ConfigOption<Duration> ALLOWED_LATENESS = ConfigOptions.key("auto-rate.allowed-lateness")
            .durationType().defaultValue(Duration.ofHours(1))
            .withDescription("A day's heartbeat aggregates (auto-rate rows, fleet mileage) are final this long after the local day ends;"
                    + " later heartbeats go to the DLQ as late.");
}
