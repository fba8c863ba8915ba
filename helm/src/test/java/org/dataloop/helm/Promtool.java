package org.dataloop.helm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own rule tool. Found on the PATH, else installed from Debian's {@code prometheus} package (which ships
 * it) when the build runs as root with apt-get, as on the CI machines; otherwise the test says how to get it.
 */
final class Promtool {
    private Promtool() {}

    /** Exit code and output of one promtool call. */
    record Result(int exitCode, String output) {}

    static synchronized Path path() throws Exception {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, "promtool");
            if (Files.isExecutable(p)) return p;
        }
        if (!Files.isExecutable(Path.of("/usr/bin/apt-get")) || !"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("promtool not found: install it (Debian: apt-get install prometheus)");
        }
        // the package lists may be missing on a fresh machine: update once and try again
        if (apt("install", "-y", "--no-install-recommends", "prometheus").exitCode() != 0) {
            apt("update");
            Result again = apt("install", "-y", "--no-install-recommends", "prometheus");
            if (again.exitCode() != 0) throw new IllegalStateException("cannot install promtool: " + again.output());
        }
        return Path.of("/usr/bin/promtool");
    }

    private static Result apt(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("apt-get", "-o", "DPkg::Lock::Timeout=300"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        return run(pb, 10);
    }

    /** Runs {@code promtool args...} in {@code dir}. */
    static Result run(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(path().toString()));
        cmd.addAll(List.of(args));
        return run(new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true), 2);
    }

    private static Result run(ProcessBuilder pb, int minutes) throws IOException, InterruptedException {
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes(); // until the process closes its output
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(pb.command() + " did not finish in " + minutes + " min");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
