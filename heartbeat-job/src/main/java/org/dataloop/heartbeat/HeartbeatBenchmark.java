package org.dataloop.heartbeat;

import java.util.List;

import org.dataloop.common.runtime.LocalBenchmark;

/**
 * {@code bin/dataloop bench [--cars N] [--duration D] [--sinks on|off] [--key value]...}: simulator heartbeats
 * (1,000 cars × 1 h by default) through heartbeat-job; see {@link LocalBenchmark}. E.g. {@code --state.backend hashmap}.
 */
public final class HeartbeatBenchmark {
    private HeartbeatBenchmark() {}

    public static void main(String[] args) throws Exception {
        LocalBenchmark.run(new HeartbeatJob(), "1 h", args, List.of());
    }
}
