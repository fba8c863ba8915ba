package org.dataloop.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code bin/dataloop} as a user does, in its own process, from a module's directory (the repository root is "..") */
public final class Launcher {
    public static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private Launcher() {}

    /** Exit code and output (stdout and stderr) of one launcher call. */
    public record Result(int exitCode, String output) {}

    /** Runs {@code bin/dataloop args...} to its end (at most 3 minutes); the output is kept in a log under {@code logDir}. */
    public static Result run(Path logDir, String... args) throws Exception {
        Path log = logDir.resolve("dataloop-" + System.nanoTime() + ".log");
        Process p = start(log, Map.of(), args);
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("bin/dataloop finished").isTrue();
        return new Result(p.exitValue(), Files.readString(log));
    }

    /** Starts {@code bin/dataloop args...} with extra environment variables, its output going to {@code log}. */
    public static Process start(Path log, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/dataloop").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().put("DATALOOP_HEAP", "1g");
        pb.environment().putAll(env);
        File file = log.toFile();
        pb.redirectOutput(file);
        return pb.start();
    }
}
