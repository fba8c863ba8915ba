package org.dataloop.common.sim;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * Writes a simulated fleet as JSON Lines files, for local replays ({@code --input.<stream> FILE}).
 * Exit codes: 0 done, 1 could not write, 2 bad option or value.
 */
public final class FleetSimulatorCli {
    static final int OK = 0;
    static final int IO_ERROR = 1;
    static final int USAGE = 2;

    private static final Map<String, String> OPTION_OF_FIELD = Map.of(
            "cars", "--cars", "durationSeconds", "--duration", "poseHz", "--pose-hz",
            "duplicateEvery", "--duplicate-every", "malformedEvery", "--malformed-every",
            "hardBrakesPerCarHour", "--hard-brakes-per-car-hour", "casesPerCarHour", "--cases-per-car-hour",
            "startEpochSecond", "--start");

    private FleetSimulatorCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Like {@link #main} but returns the exit code; messages and errors both go to {@code out}. */
    public static int run(String[] args, PrintStream out) {
        return run(args, out, out);
    }

    /** Like {@link #main} but returns the exit code; messages go to {@code out}, errors to {@code err}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        SimulatorConfig cfg = new SimulatorConfig();
        Path dir = Path.of("sim-out");
        for (int i = 0; i < args.length; i++) {
            String opt = args[i];
            if (opt.equals("--help") || opt.equals("-h")) {
                out.print(usage());
                return OK;
            }
            if (!opt.startsWith("--") || !isKnown(opt)) {
                err.println("unknown option '" + opt + "' (see --help)");
                return USAGE;
            }
            if (i + 1 >= args.length) {
                err.println("option " + opt + " needs a value (see --help)");
                return USAGE;
            }
            String value = args[++i];
            try {
                switch (opt) {
                    case "--cars" -> cfg.cars = Integer.parseInt(value);
                    case "--duration" -> cfg.durationSeconds = parseDuration(value);
                    case "--seed" -> cfg.seed = Long.parseLong(value);
                    case "--pose-hz" -> cfg.poseHz = Integer.parseInt(value);
                    case "--duplicate-every" -> cfg.duplicateEvery = Long.parseLong(value);
                    case "--malformed-every" -> cfg.malformedEvery = Long.parseLong(value);
                    case "--hard-brakes-per-car-hour" -> cfg.hardBrakesPerCarHour = Double.parseDouble(value);
                    case "--cases-per-car-hour" -> cfg.casesPerCarHour = Double.parseDouble(value);
                    case "--start" -> cfg.startEpochSecond = parseStart(value);
                    case "--out" -> dir = Path.of(value);
                    default -> throw new IllegalStateException(opt);
                }
            } catch (RuntimeException e) {
                err.println("bad value '" + value + "' for " + opt + " (see --help)");
                return USAGE;
            }
        }
        FleetSimulator sim;
        try {
            sim = new FleetSimulator(cfg);
        } catch (IllegalArgumentException e) {
            // validate() starts its message with the field's name: report the option instead
            String msg = e.getMessage();
            String field = msg.substring(0, msg.indexOf(' '));
            err.println("bad value for " + OPTION_OF_FIELD.getOrDefault(field, field) + ": " + msg.substring(field.length() + 1));
            return USAGE;
        }
        try {
            sim.writeJsonl(dir);
        } catch (IOException | RuntimeException e) {
            err.println("could not write to " + dir + ": " + e);
            return IO_ERROR;
        }
        out.println("wrote " + dir.toAbsolutePath() + " (" + cfg + ")");
        for (Map.Entry<String, Long> f : sim.fileLineCounts().entrySet()) {
            out.println("  " + f.getKey() + ": " + f.getValue() + " lines");
        }
        out.println("  injected hard brakes: " + sim.injectedBrakes().size());
        return OK;
    }

    private static boolean isKnown(String opt) {
        return switch (opt) {
            case "--cars", "--duration", "--seed", "--pose-hz", "--duplicate-every", "--malformed-every",
                    "--hard-brakes-per-car-hour", "--cases-per-car-hour", "--start", "--out" -> true;
            default -> false;
        };
    }

    /** {@code 1h}, {@code 30m}, {@code 600s} or plain seconds. */
    static long parseDuration(String v) {
        if (v.isEmpty()) throw new IllegalArgumentException("empty duration");
        char unit = v.charAt(v.length() - 1);
        long factor = switch (unit) {
            case 'h' -> 3600;
            case 'm' -> 60;
            case 's' -> 1;
            default -> 0;
        };
        if (factor == 0) return Long.parseLong(v);
        return Math.multiplyExact(Long.parseLong(v.substring(0, v.length() - 1)), factor);
    }

    /** Epoch seconds, or an ISO instant with offset such as {@code 2026-11-20T00:00:00+08:00}. */
    static long parseStart(String v) {
        if (v.chars().allMatch(Character::isDigit)) return Long.parseLong(v);
        return java.time.OffsetDateTime.parse(v).toEpochSecond();
    }

    static String usage() {
        SimulatorConfig d = new SimulatorConfig();
        return "Usage: FleetSimulatorCli [options]\n"
                + "Writes heartbeat, pose, case_mapping and dim_* snapshots as JSON Lines.\n"
                + "  --cars N                      cars in the fleet (default " + d.cars + ")\n"
                + "  --duration D                  1h, 30m, 600s or seconds (default " + d.durationSeconds + "s)\n"
                + "  --seed S                      random seed (default " + d.seed + ")\n"
                + "  --pose-hz H                   pose samples per second, 5..10 (default " + d.poseHz + ")\n"
                + "  --duplicate-every N           every Nth heartbeat twice, 0 = off (default " + d.duplicateEvery + ")\n"
                + "  --malformed-every N           every Nth heartbeat malformed, 0 = off (default " + d.malformedEvery + ")\n"
                + "  --hard-brakes-per-car-hour R  injected hard brakes, 0..90 (default " + d.hardBrakesPerCarHour + ")\n"
                + "  --cases-per-car-hour R        cases (default " + d.casesPerCarHour + ")\n"
                + "  --start T                     epoch seconds or ISO time with offset (default "
                + Instant.ofEpochSecond(d.startEpochSecond).atZone(FleetSimulator.FLEET_ZONE).toOffsetDateTime() + ")\n"
                + "  --out DIR                     output directory (default sim-out)\n"
                + "  --help                        this text\n";
    }
}
