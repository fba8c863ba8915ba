package org.dataloop.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobOptionsTest {
    private static JobOptions parse(String... args) {
        return JobOptions.parse("test-job", args, CommonOptions.all(), List.of("heartbeat", "dim_car"));
    }

    @Test
    void readsKeyValuePairsFlagsInputsAndDefaults(@TempDir Path dir) throws Exception {
        Path input = Files.writeString(dir.resolve("hb.jsonl"), "{}\n");
        JobOptions o = parse("--local", "--checkpoint.interval", "5 s", "--input.heartbeat", input.toString(),
                "--output.dir", dir.toString(), "--timezone=UTC");
        assertThat(o.local()).isTrue();
        assertThat(o.get(CommonOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.get(CommonOptions.RESTART_ATTEMPTS)).as("unlimited restarts by default").isEqualTo(Integer.MAX_VALUE);
        assertThat(o.get(CommonOptions.MAX_PARALLELISM)).isEqualTo(128);
        assertThat(o.input("heartbeat")).contains(input.toAbsolutePath().toString());
        assertThat(o.replay()).isTrue();
        assertThat(o.zone().getId()).isEqualTo("UTC");
    }

    @Test
    void configFileFillsGapsAndTheCommandLineWins(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("job.conf"), "restart.attempts: 3\nsim.cars: 7\n");
        JobOptions o = parse("--sim.cars", "9", "--config", file.toString());
        assertThat(o.get(CommonOptions.RESTART_ATTEMPTS)).isEqualTo(3);
        assertThat(o.get(CommonOptions.SIM_CARS)).isEqualTo(9);
    }

    @Test
    void rejectsUnknownOptionsNamingThem() {
        assertThatThrownBy(() -> parse("--checkpoint.intervall", "5 s"))
                .isInstanceOf(OptionsException.class).hasMessage("unknown option --checkpoint.intervall (see --help)");
    }

    @Test
    void rejectsBadValuesNamingTheOptionAndValue() {
        assertThatThrownBy(() -> parse("--checkpoint.interval", "soon"))
                .hasMessageStartingWith("bad value for --checkpoint.interval: 'soon'");
        assertThatThrownBy(() -> parse("--state.backend", "memory"))
                .hasMessageStartingWith("bad value for --state.backend: 'memory'");
        assertThatThrownBy(() -> parse("--timezone", "Mars/Base"))
                .hasMessage("bad value for --timezone: 'Mars/Base' (not a time zone id)");
    }

    @Test
    void rejectsMissingValuesUnknownInputsAndMissingFiles(@TempDir Path dir) {
        assertThatThrownBy(() -> parse("--sim.cars")).hasMessage("--sim.cars needs a value");
        assertThatThrownBy(() -> parse("--input.pose", "x.jsonl")).hasMessageStartingWith("unknown input --input.pose");
        assertThatThrownBy(() -> parse("--input.heartbeat", dir.resolve("nope.jsonl").toString()))
                .hasMessageStartingWith("--input.heartbeat: no such file");
        assertThatThrownBy(() -> parse("stray")).hasMessageStartingWith("unexpected argument 'stray'");
    }

    @Test
    void theDefaultsKeepKafkaTransactionsAliveThroughACheckpointAndARestart() {
        JobOptions o = parse();
        // hand sum of the defaults: 1 min interval + 5 min checkpoint timeout + 2 min longest restart delay
        assertThat(o.get(CommonOptions.CHECKPOINT_INTERVAL).plus(o.get(CommonOptions.CHECKPOINT_TIMEOUT))
                .plus(o.get(CommonOptions.RESTART_MAX_DELAY))).isEqualTo(Duration.ofMinutes(8));
        assertThat(o.get(CommonOptions.KAFKA_TRANSACTION_TIMEOUT)).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void refusesATransactionTimeoutShorterThanACheckpointAndARestartNamingTheOptions() {
        assertThatThrownBy(() -> parse("--kafka.transaction-timeout", "10 min", "--checkpoint.timeout", "10 min"))
                .isInstanceOf(OptionsException.class)
                .hasMessage("--kafka.transaction-timeout (10 min) must be at least --checkpoint.interval + --checkpoint.timeout"
                        + " + --restart.max-delay (13 min), or Kafka aborts committed output during a recovery");
        assertThat(parse("--kafka.transaction-timeout", "13 min", "--checkpoint.timeout", "10 min")).isNotNull();
    }

    @Test
    void refusesAParallelismAboveTheMaxParallelismAndAStopOutsideALocalReplay(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> parse("--parallelism", "200"))
                .hasMessage("--parallelism (200) is above --max-parallelism (128)");
        assertThatThrownBy(() -> parse("--stop-after-records", "5"))
                .hasMessage("--stop-after-records stops a local replay: it needs --local and --input.<stream> files");
        Path input = Files.writeString(dir.resolve("hb.jsonl"), "{}\n");
        assertThat(parse("--local", "--input.heartbeat", input.toString(), "--stop-after-records", "5")
                .get(CommonOptions.STOP_AFTER_RECORDS)).isEqualTo(5L);
    }

    @Test
    void usageListsEveryOptionWithItsDefault() {
        String usage = JobOptions.usage("test-job", "Does things.", CommonOptions.all(), List.of("heartbeat"));
        for (var o : CommonOptions.all()) assertThat(usage).contains("--" + o.key());
        assertThat(usage).contains("default: 1 min").contains("default: Asia/Shanghai");
    }
}
