package org.dataloop.posetrigger;

import java.util.List;

import org.apache.flink.api.common.JobExecutionResult;

import org.dataloop.common.metrics.JobCounter;
import org.dataloop.common.runtime.LocalBenchmark;

/**
 * {@code bin/dataloop bench pose-trigger-job [--cars N] [--duration D] [--sinks on|off] [--key value]...}: simulator
 * pose samples (10 Hz, 2 injected hard brakes per car and hour; 1,000 cars × 5 min by default) through
 * pose-trigger-job; see {@link LocalBenchmark}. E.g. {@code --state.backend hashmap}, {@code --trigger.delivery
 * at_least_once}. With sinks on, the triggers go to the lake too (there is no Kafka).
 */
public final class PoseTriggerBenchmark {
    private PoseTriggerBenchmark() {}

    public static void main(String[] args) throws Exception {
        JobExecutionResult result = LocalBenchmark.run(new PoseTriggerJob(), "5 min", args,
                List.of("--table.trigger_hard_brake", "trigger_hard_brake"));
        System.out.println("triggers: "
                + result.getAllAccumulatorResults().get(JobCounter.accumulatorName(JobCounter.ROWS_OUT, "trigger_hard_brake")));
    }
}
