package org.dataloop.heartbeat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.tables.HeartbeatTables;

/**
 * {@code bin/dataloop demo [DIR]}: a simulated fleet through heartbeat-job on an in-process MiniCluster, into a
 * local Paimon warehouse under DIR (default {@code demo}), then a summary of each car's daily auto-rate.
 * Needs no external service; Fluss is skipped and the dead letters land in the lake table {@code dlq}.
 */
public final class HeartbeatDemo {
    private HeartbeatDemo() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "demo").toAbsolutePath();
        Path warehouse = dir.resolve("warehouse");
        deleteRecursively(warehouse); // every demo starts from an empty lake
        String[] jobArgs = {
                "--local", "--source", "simulator", "--sim.cars", "12", "--sim.duration", "24 h", "--sim.seed", "7",
                "--sim.duplicate-every", "1000", "--sim.malformed-every", "5000",
                "--paimon.warehouse", warehouse.toUri().toString(), "--paimon.buckets", "1",
                "--checkpoint.interval", "5 s", "--checkpoint.dir", dir.resolve("checkpoints").toUri().toString(),
                "--parallelism", "2"};
        HeartbeatJob job = new HeartbeatJob();
        JobOptions options = JobRunner.parse(job, jobArgs);
        System.out.println("heartbeat-job demo: 12 simulated cars, one day of 1 Hz heartbeats (with duplicates and malformed"
                + " messages),\ninto the Paimon warehouse " + warehouse + "\n");
        JobRunner.runLocal(job, options, System.out);

        PaimonTables lake = PaimonTables.fromOptions(options);
        printSummary(lake.readAll(HeartbeatTables.DWS_DAILY_AUTO_RATE.defaultName()));
        if (lake.tableExists("dlq")) {
            Map<String, Long> reasons = new TreeMap<>();
            lake.readAll("dlq").forEach(r -> reasons.merge((String) r.get("reason"), 1L, Long::sum));
            System.out.println("\ndead letters by reason: " + reasons);
        }
        System.out.println("\nLook at the lake:  bin/dataloop lake " + warehouse + "            (tables)");
        System.out.println("                   bin/dataloop lake " + warehouse + " dws_daily_auto_rate | head");
    }

    /** One line per car and day: the car's groups (city, area, route) summed. */
    static void printSummary(List<Map<String, Object>> rows) {
        Map<String, double[]> perCarDay = new TreeMap<>();
        for (Map<String, Object> r : rows) {
            double[] t = perCarDay.computeIfAbsent(r.get("date_key") + "  " + r.get("car_id"), k -> new double[4]);
            t[0] += ((Number) r.get("total_duration_seconds")).doubleValue();
            t[1] += ((Number) r.get("auto_duration_seconds")).doubleValue();
            t[2] += (Double) r.get("total_miles");
            t[3] += (Double) r.get("auto_miles");
        }
        System.out.printf("%n%-10s  %-8s  %7s  %7s  %9s  %9s  %9s%n", "date", "car", "hours", "auto h", "auto rate", "km", "auto km");
        perCarDay.forEach((k, t) -> System.out.printf("%-20s  %7.2f  %7.2f  %8.1f%%  %9.1f  %9.1f%n",
                k, t[0] / 3600, t[1] / 3600, t[0] == 0 ? 0 : 100 * t[1] / t[0], t[2], t[3]));
        System.out.println("(" + rows.size() + " rows in dws_daily_auto_rate, one per car, day, city, area and route; distances in km)");
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(x);
        }
    }
}
