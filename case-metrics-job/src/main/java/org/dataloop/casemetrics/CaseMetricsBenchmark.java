package org.dataloop.casemetrics;

import java.util.List;

import org.dataloop.common.runtime.LocalBenchmark;

/**
 * {@code bin/dataloop bench case-metrics-job [--cars N] [--duration D] [--sinks on|off] [--key value]...}: simulator
 * heartbeats and case chunks (1,000 cars × 1 h by default; more cases with {@code --sim.cases-per-car-hour R})
 * through case-metrics-job; see {@link LocalBenchmark}.
 */
public final class CaseMetricsBenchmark {
    private CaseMetricsBenchmark() {}

    public static void main(String[] args) throws Exception {
        LocalBenchmark.run(new CaseMetricsJob(), "1 h", args, List.of());
    }
}
