package org.dataloop.common.sim;

import java.io.Serializable;

/**
 * A hard brake the simulator put into the pose stream: the braking samples run from {@code startTs} to
 * {@code endTs} (epoch ms, both sample timestamps); every one has acceleration_longitudinal in [-8, -5],
 * and {@code speedStart} is the km/h of the first one, as written.
 */
public record InjectedBrake(String carId, long startTs, long endTs, double speedStart) implements Serializable {
    public long durationMs() {
        return endTs - startTs;
    }
}
