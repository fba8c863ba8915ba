package org.dataloop.common.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FleetSimulatorCliTest {
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int run(String... args) {
        return FleetSimulatorCli.run(args, new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void writesTheFilesAndSaysWhat(@TempDir Path dir) throws IOException {
        int code = run("--cars", "3", "--duration", "2m", "--seed", "7", "--pose-hz", "5",
                "--duplicate-every", "10", "--malformed-every", "25", "--out", dir.toString());
        assertThat(code).as(err()).isZero();
        assertThat(Files.readAllLines(dir.resolve("heartbeat.jsonl"))).hasSize(360 + 36);
        assertThat(Files.readAllLines(dir.resolve("pose.jsonl"))).hasSize(360 * 5);
        assertThat(out()).contains("heartbeat.jsonl: 396 lines", "pose.jsonl: 1800 lines", "dim_order.jsonl");
        assertThat(err()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "--bogus, 1, --bogus",
        "--cars, x, --cars",
        "--cars, 0, --cars",
        "--duration, 5x, --duration",
        "--pose-hz, 11, --pose-hz",
        "--duplicate-every, -1, --duplicate-every",
    })
    void rejectsABadOptionOrValueWithExitCode2(String option, String value, String named, @TempDir Path dir) {
        assertThat(run(option, value, "--out", dir.toString())).isEqualTo(2);
        assertThat(err().lines()).hasSize(1);
        assertThat(err()).contains(named);
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void rejectsAMissingValue() {
        assertThat(run("--cars")).isEqualTo(2);
        assertThat(err()).contains("--cars");
    }

    @Test
    void helpListsTheOptionsWithDefaults() {
        assertThat(run("--help")).isZero();
        assertThat(out()).contains("--cars N", "default 10", "--duration", "--seed", "default 42", "--pose-hz",
                "--duplicate-every", "--malformed-every", "--out");
    }

    @Test
    void parsesDurations() {
        assertThat(FleetSimulatorCli.parseDuration("1h")).isEqualTo(3600);
        assertThat(FleetSimulatorCli.parseDuration("30m")).isEqualTo(1800);
        assertThat(FleetSimulatorCli.parseDuration("600s")).isEqualTo(600);
        assertThat(FleetSimulatorCli.parseDuration("90")).isEqualTo(90);
    }
}
