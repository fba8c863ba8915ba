package org.dataloop.helm;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own rule tool: from the PATH, else taken out of Debian's {@code prometheus} package into
 * {@code target/promtool-pkg} ({@code apt-get download} + {@code dpkg-deb -x}: nothing installed, no service
 * started); the package lists are refreshed once when the package is not found (as root, e.g. on a fresh CI machine).
 */
final class Promtool {
    private static final Path UNPACKED = Path.of("target", "promtool-pkg").toAbsolutePath();

    private Promtool() {}

    /** Exit code and output of one command. */
    record Result(int exitCode, String output) {}

    static synchronized Path path() throws Exception {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "promtool");
            if (Files.isExecutable(p)) return p;
        }
        Path promtool = UNPACKED.resolve("usr/bin/promtool");
        if (Files.isExecutable(promtool)) return promtool;
        Path debs = Files.createDirectories(UNPACKED.resolveSibling("promtool-deb"));
        if (run(debs, 5, "apt-get", "download", "prometheus").exitCode() != 0) {
            run(debs, 10, "apt-get", "update");
            Result again = run(debs, 5, "apt-get", "download", "prometheus");
            if (again.exitCode() != 0) {
                throw new IllegalStateException("promtool not found and Debian's prometheus package not downloadable: " + again.output());
            }
        }
        try (var files = Files.list(debs)) {
            Path deb = files.filter(f -> f.getFileName().toString().endsWith(".deb")).findFirst().orElseThrow();
            Result unpacked = run(debs, 2, "dpkg-deb", "-x", deb.toString(), UNPACKED.toString());
            if (unpacked.exitCode() != 0) throw new IllegalStateException("cannot unpack " + deb + ": " + unpacked.output());
        }
        return promtool;
    }

    /** Runs {@code promtool args...} in {@code dir}. */
    static Result run(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(path().toString()));
        cmd.addAll(List.of(args));
        return run(dir, 2, cmd.toArray(String[]::new));
    }

    private static Result run(Path dir, int minutes, String... cmd) throws Exception {
        Path out = Files.createTempFile("promtool", ".out");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish in " + minutes + " min: " + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
