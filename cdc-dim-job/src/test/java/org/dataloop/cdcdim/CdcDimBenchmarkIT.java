package org.dataloop.cdcdim;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.apache.flink.core.execution.JobClient;
import org.apache.paimon.Snapshot;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.table.Table;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.testing.Await;

/**
 * The figures of docs/cdc-dim-job.md, opt-in (not a CI test, nothing is asserted on time):
 * <pre>
 * mvn -B -o verify -pl cdc-dim-job -am -Dtest=CdcDimBenchmarkIT -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dcdc.bench=true [-Dcdc.bench.rows=100000] [-Dcdc.bench.updates=40] [-Dcdc.bench.checkpoint=1s] [-Dcdc.bench.parallelism=1]
 * </pre>
 * Snapshot: N rows in MariaDB {@code cars} → all N visible in the lake's dim_car, from job submission (so it
 * includes the job's start and the last checkpoint). Change latency: one-row UPDATEs of {@code routes}, one at a
 * time, from the source commit returning to the lake commit (Paimon snapshot time) that holds the row in
 * dim_route; readers see a change from that commit on, so this is bounded by the checkpoint interval.
 */
@EnabledIfSystemProperty(named = "cdc.bench", matches = "true")
class CdcDimBenchmarkIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    /** Deadlines: generous (a loaded machine copies ~2,000 rows/s), but a stuck job fails the run instead of hanging it. */
    private static final Duration SNAPSHOT_WAIT = Duration.ofMinutes(15);
    private static final Duration CHANGE_WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void snapshotThroughputAndChangeLatency() throws Exception {
        int rows = Integer.getInteger("cdc.bench.rows", 100_000);
        int updates = Integer.getInteger("cdc.bench.updates", 40);
        String checkpoint = System.getProperty("cdc.bench.checkpoint", "1s");
        String parallelism = System.getProperty("cdc.bench.parallelism", "1");
        String db = "fleet_bench";
        TestDatabases.createMysqlTables(db);
        long t = System.nanoTime();
        try (Connection c = TestDatabases.mysql(db)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO cars VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    ps.setString(1, String.format("car-%07d", i));
                    ps.setString(2, i % 5 == 0 ? "robobus" : "robotaxi");
                    ps.setString(3, "M" + (i % 17));
                    ps.setString(4, "2026-11-20 08:00:00.000");
                    ps.addBatch();
                    if (i % 5000 == 4999) ps.executeBatch();
                }
                ps.executeBatch();
            }
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO routes VALUES ('r1', 'R-SH-01', 'v0')");
            }
            c.commit();
        }
        System.out.printf("BENCH loaded %d rows into MariaDB in %.1f s%n", rows, (System.nanoTime() - t) / 1e9);

        JobOptions options = JobRunner.parse(new CdcDimJob(Map.of()), new String[] {
                "--mysql.hostname", "localhost", "--mysql.port", String.valueOf(TestDatabases.mariaDb()), "--mysql.database", db,
                "--mysql.username", TestDatabases.CDC_USER, "--mysql.password-file", TestDatabases.passwordFile(tmp, TestDatabases.CDC_PASSWORD),
                "--mysql.server-id", "5450-5453", "--mysql.server-time-zone", "Asia/Shanghai",
                "--paimon.warehouse", tmp.resolve("warehouse").toUri().toString(),
                "--checkpoint.interval", checkpoint, "--parallelism", parallelism});
        PaimonTables lake = PaimonTables.fromOptions(options);
        long submitted = System.currentTimeMillis();
        JobClient job = CdcDimJobIT.start(options);
        try {
            // commit times come from the lake's snapshots (their timeMillis), so polling adds no error
            Snapshot all = Await.until(SNAPSHOT_WAIT, () -> {
                Snapshot s = latest(lake, "dim_car");
                Await.seen(s == null ? "no snapshot" : s.totalRecordCount() + " of " + rows + " rows");
                return s != null && s.totalRecordCount() != null && s.totalRecordCount() >= rows ? s : null;
            });
            Snapshot first = firstWithData(lake, "dim_car", 1);
            if (lake.readAll("dim_car").size() != rows) throw new AssertionError("dim_car does not hold " + rows + " rows");
            double total = (all.timeMillis() - submitted) / 1e3;
            double copy = (all.timeMillis() - first.timeMillis()) / 1e3;
            System.out.printf("BENCH snapshot: %d rows committed to dim_car %.1f s after submission: %.0f rows/s end to end;"
                    + " first rows committed after %.1f s, then %.0f rows/s until the last (parallelism %s, checkpoint %s)%n",
                    rows, total, rows / total, (first.timeMillis() - submitted) / 1e3, copy > 0 ? rows / copy : Double.NaN,
                    parallelism, checkpoint);

            List<Double> latencies = new ArrayList<>();
            long seen = latest(lake, "dim_route") == null ? 0 : latest(lake, "dim_route").id();
            try (Connection c = TestDatabases.mysql(db); Statement s = c.createStatement()) {
                for (int i = 1; i <= updates; i++) {
                    String value = "v" + i;
                    s.executeUpdate("UPDATE routes SET route_name = '" + value + "' WHERE route_id = 'r1'"); // autocommit
                    long committed = System.currentTimeMillis();
                    Await.until(CHANGE_WAIT, () -> {
                        List<Map<String, Object>> r = lake.readAll("dim_route");
                        Await.seen(r);
                        return r.size() == 1 && value.equals(r.get(0).get("route_name")) ? true : null;
                    });
                    Snapshot visible = firstWithData(lake, "dim_route", seen + 1);
                    seen = latest(lake, "dim_route").id();
                    latencies.add((double) (visible.timeMillis() - committed));
                    Thread.sleep(137); // pacing, not a wait: spreads the source commits over the checkpoint cycle
                }
            }
            Collections.sort(latencies);
            System.out.printf("BENCH change latency (source commit → lake commit of dim_route), %d updates, checkpoint %s: "
                    + "min %.0f ms, p50 %.0f ms, p95 %.0f ms, max %.0f ms%n", updates, checkpoint, latencies.get(0),
                    latencies.get(latencies.size() / 2), latencies.get((int) Math.ceil(latencies.size() * 0.95) - 1),
                    latencies.get(latencies.size() - 1));
        } finally {
            Await.cancelled(job);
        }
    }

    private static Snapshot latest(PaimonTables lake, String table) throws Exception {
        if (!lake.tableExists(table)) return null;
        try (Catalog catalog = lake.catalog()) {
            return catalog.getTable(Identifier.create(lake.database(), table)).latestSnapshot().orElse(null);
        }
    }

    /** The first snapshot from {@code fromId} on that added records (not a compaction). */
    private static Snapshot firstWithData(PaimonTables lake, String table, long fromId) throws Exception {
        try (Catalog catalog = lake.catalog()) {
            Table t = catalog.getTable(Identifier.create(lake.database(), table));
            long last = t.latestSnapshot().orElseThrow().id();
            for (long id = Math.max(1, fromId); id <= last; id++) {
                Snapshot s = t.snapshot(id);
                if (s.commitKind() != Snapshot.CommitKind.COMPACT && s.deltaRecordCount() != null && s.deltaRecordCount() > 0) return s;
            }
            throw new AssertionError("no snapshot of " + table + " with data from " + fromId);
        }
    }
}
