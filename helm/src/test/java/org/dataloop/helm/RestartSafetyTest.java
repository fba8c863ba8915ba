package org.dataloop.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.dataloop.common.config.CommonOptions;
import org.dataloop.common.config.JobOptions;
import org.dataloop.common.config.OptionsException;
import org.dataloop.common.heartbeat.HeartbeatOptions;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.heartbeat.HeartbeatJob;

/**
 * A Kafka transaction pre-committed at a checkpoint is committed when the checkpoint completes, or after the restart
 * that follows a failure; if it times out first the broker aborts it and its records are lost. So for every job the
 * chart deploys, checkpoint interval + checkpoint timeout + longest restart delay must fit in its
 * {@code kafka.transaction-timeout} (the job refuses to start otherwise), and the chart refuses what the job would.
 */
class RestartSafetyTest {

    static Stream<Arguments> renderings() {
        Map<String, Object> allJobs = new LinkedHashMap<>();
        for (String job : RenderedChartTest.ALL_JOBS) allJobs.put("jobs." + job + ".enabled", true);
        return Chart.ENVIRONMENTS.stream().flatMap(env -> Stream.of(Arguments.of(env, Map.of()), Arguments.of(env, allJobs)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("renderings")
    void everyEnabledJobCommitsItsKafkaTransactionsBeforeTheyTimeOut(String valuesFile, Map<String, Object> sets) {
        Map<String, JsonNode> deployments = Chart.flinkDeployments(Chart.template(valuesFile, sets));
        assertThat(deployments).isNotEmpty();
        deployments.forEach((name, d) -> {
            JsonNode conf = d.path("spec").path("flinkConfiguration");
            Duration interval = duration(conf, "execution.checkpointing.interval");
            Duration timeout = duration(conf, "execution.checkpointing.timeout");
            Duration maxDelay = duration(conf, "restart-strategy.exponential-delay.max-backoff");
            List<String> args = JobArgsTest.args(d);
            int i = args.indexOf("--" + CommonOptions.KAFKA_TRANSACTION_TIMEOUT.key());
            Duration transactionTimeout = i >= 0 ? TimeUtils.parseDuration(args.get(i + 1))
                    : CommonOptions.KAFKA_TRANSACTION_TIMEOUT.defaultValue();
            assertThat(interval.plus(timeout).plus(maxDelay))
                    .as("%s (%s): checkpoint interval %s + checkpoint timeout %s + max restart delay %s vs kafka.transaction-timeout %s",
                            name, valuesFile, interval, timeout, maxDelay, transactionTimeout)
                    .isLessThanOrEqualTo(transactionTimeout);

            // the job reads the same: its parser (which checks the rule itself) accepts the rendered arguments
            JobOptions options = JobArgsTest.parse(name, d);
            assertThat(options.get(CommonOptions.KAFKA_TRANSACTION_TIMEOUT)).isEqualTo(transactionTimeout);
            assertThat(options.get(CommonOptions.CHECKPOINT_TIMEOUT)).isEqualTo(timeout);
            assertThat(options.get(CommonOptions.RESTART_MAX_DELAY)).isEqualTo(maxDelay);
            JobArgsTest.assertClusterAgreesWithJob(d, options);
        });
    }

    /** The chart's limit is the job's, to the second: what renders parses, one second more fails both. */
    @Test
    void theChartRefusesExactlyWhatTheJobRefuses() {
        JsonNode conf = Chart.flinkDeployments(Chart.template("values.yaml")).get("heartbeat-job").path("spec").path("flinkConfiguration");
        Duration limit = CommonOptions.KAFKA_TRANSACTION_TIMEOUT.defaultValue()
                .minus(duration(conf, "execution.checkpointing.timeout"))
                .minus(duration(conf, "restart-strategy.exponential-delay.max-backoff"));
        assertThat(limit).as("the defaults leave room for a longer checkpoint interval").isGreaterThanOrEqualTo(Duration.ofMinutes(5));

        String atLimit = limit.toSeconds() + " s";
        JsonNode d = Chart.flinkDeployments(Chart.template("values.yaml", Map.of("jobs.heartbeat-job.checkpointInterval", atLimit)))
                .get("heartbeat-job");
        List<String> args = JobArgsTest.args(d);
        assertThat(JobArgsTest.parse("heartbeat-job", d).get(CommonOptions.CHECKPOINT_INTERVAL)).isEqualTo(limit);

        String overLimit = (limit.toSeconds() + 1) + " s";
        assertThatThrownBy(() -> Chart.template("values.yaml", Map.of("jobs.heartbeat-job.checkpointInterval", overLimit)))
                .hasMessageContaining("jobs.heartbeat-job: kafka.transaction-timeout (15 min, the jobs' default) must be at least"
                        + " checkpointInterval (" + overLimit + ") + checkpoints.timeout (5 min) + restartStrategy.maxDelay (2 min)");
        List<String> over = new ArrayList<>(args);
        over.set(over.indexOf("--checkpoint.interval") + 1, overLimit);
        assertThatThrownBy(() -> JobRunner.parse(new HeartbeatJob(), over.toArray(String[]::new)))
                .isInstanceOf(OptionsException.class).hasMessageContaining("--kafka.transaction-timeout (15 min) must be at least");
    }

    @Test
    void aLongerTransactionTimeoutAllowsLongerCheckpoints() {
        // 13 min + 5 min + 2 min = 20 min; a number is milliseconds, as for the job
        for (Object timeout : List.of("20 min", 1_200_000)) {
            JsonNode d = Chart.flinkDeployments(Chart.template("values.yaml", Map.of(
                    "jobs.heartbeat-job.checkpointInterval", "13 min",
                    "jobs.heartbeat-job.options.kafka\\.transaction-timeout", timeout))).get("heartbeat-job");
            JobOptions options = JobArgsTest.parse("heartbeat-job", d);
            assertThat(options.get(CommonOptions.KAFKA_TRANSACTION_TIMEOUT)).isEqualTo(Duration.ofMinutes(20));
            assertThat(options.get(HeartbeatOptions.ALLOWED_LATENESS)).isEqualTo(Duration.ofHours(1));
        }
        // the rule holds per job: the others keep the default
        assertThatThrownBy(() -> Chart.template("values.yaml", Map.of(
                "checkpoints.timeout", "13 min",
                "jobs.heartbeat-job.options.kafka\\.transaction-timeout", "20 min")))
                .hasMessageContaining("kafka.transaction-timeout (15 min, the jobs' default) must be at least")
                .hasMessageNotContaining("jobs.heartbeat-job:");
        assertThatThrownBy(() -> Chart.template("values.yaml", Map.of(
                "jobs.heartbeat-job.options.kafka\\.transaction-timeout", "10 min", "restartStrategy.maxDelay", "5 min")))
                .hasMessageContaining("jobs.heartbeat-job: kafka.transaction-timeout (10 min, jobs.heartbeat-job.options) must be at least");
        assertThatThrownBy(() -> Chart.template("values.yaml", Map.of("jobs.heartbeat-job.options.kafka\\.transaction-timeout", "15 fortnights")))
                .hasMessageContaining("jobs.heartbeat-job.options.kafka.transaction-timeout: '15 fortnights' is not a duration");
    }

    @Test
    void theParallelismStaysWithinTheMaxParallelism() {
        assertThatThrownBy(() -> Chart.template("values-prod.yaml", Map.of("jobs.heartbeat-job.parallelism", 129)))
                .hasMessageContaining("jobs.heartbeat-job: parallelism (129) is above maxParallelism (128)");
        JsonNode d = Chart.flinkDeployments(Chart.template("values-prod.yaml", Map.of(
                "jobs.heartbeat-job.parallelism", 129, "jobs.heartbeat-job.maxParallelism", 256))).get("heartbeat-job");
        assertThat(d.path("spec").path("job").path("parallelism").asInt()).isEqualTo(129);
        assertThat(JobArgsTest.parse("heartbeat-job", d).get(CommonOptions.MAX_PARALLELISM)).isEqualTo(256);
    }

    private static Duration duration(JsonNode conf, String key) {
        assertThat(conf.has(key)).as("flinkConfiguration has %s", key).isTrue();
        return TimeUtils.parseDuration(conf.path(key).asText());
    }
}
