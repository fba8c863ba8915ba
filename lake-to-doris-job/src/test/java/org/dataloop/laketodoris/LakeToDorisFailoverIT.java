package org.dataloop.laketodoris;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;

import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.test.util.MiniClusterWithClientResource;
import org.apache.fluss.server.testutils.FlussClusterExtension;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.schema.SchemaChange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.io.TableDef;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.tables.CaseMetricsTables;
import org.dataloop.common.tables.HeartbeatTables;
import org.dataloop.common.testing.Await;
import org.dataloop.common.testing.Failures;
import org.dataloop.laketodoris.testing.DorisDouble;
import org.dataloop.laketodoris.testing.TestRows;
import org.dataloop.laketodoris.testing.Upstream;
import org.dataloop.laketodoris.testing.Upstream.Change;

/**
 * lake-to-doris-job under failures: 200,000 rows in the three Paimon tables and the Fluss table, then updates, deletes
 * and cases moving to another day, streamed by the job (parallelism 2, on a MiniCluster of two task managers) through
 * the real DorisSink into the Doris double, while four failures hit it at different moments:
 * <ol>
 *   <li>an exception in an operator at a chosen record (the 30,000th row of {@code dws_daily_auto_rate}, mid initial load);</li>
 *   <li>an exception in the snapshot of a checkpoint (the first one from checkpoint 5 on, in the {@code dws_daily_mps_mpd} path);</li>
 *   <li>an exception right after a checkpoint completed (in the {@code dwd_case_detail} path, armed once the changes are written);</li>
 *   <li>a task manager terminated (and a fresh one started) after the job recovered from the third failure.</li>
 * </ol>
 * Every table's committed rows in the double must be, row for row, what a fault-free run gives: the expected rows
 * are computed here from the same input by the sink's rules (upsert by the Doris key, {@code -D} deletes, {@code -U}
 * skipped except in dwd_case_detail, where it deletes); each change must be committed exactly once (line counts),
 * every transaction must end COMMITTED or ABORTED, and the double must record no protocol violation.
 */
class LakeToDorisFailoverIT {
    @RegisterExtension
    static final FlussClusterExtension FLUSS = FlussClusterExtension.builder().setNumOfTabletServers(1).build();

    /**
     * Two task managers of one slot each; the job runs at parallelism 2 (one shared slot per subtask index), so it
     * occupies both and the task manager killed surely runs a part of it. (Flink 1.20's MiniClusterExtension does not
     * hand out its MiniCluster, which terminating a task manager needs: the test drives the same resource itself.)
     */
    private static MiniClusterWithClientResource flink;

    private static final String PASSWORD = "doris-pw";
    private static final String FLUSS_DB = "l2d_failover";
    /** A deadline, not a pace: on two cores shared with other builds the initial load alone has taken 70 s. */
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final TableDef<?> AUTO = HeartbeatTables.DWS_DAILY_AUTO_RATE;
    private static final TableDef<?> MPS = CaseMetricsTables.DWS_DAILY_MPS_MPD;
    private static final TableDef<?> CASES = CaseMetricsTables.DWD_CASE_DETAIL;
    private static final TableDef<?> REALTIME = CaseMetricsTables.REALTIME_METRICS;

    private static final int AUTO_ROWS = 80_000;
    private static final int MPS_ROWS = 40_000;
    private static final int CASE_ROWS = 60_000;
    private static final int REALTIME_ROWS = 20_000;
    private static final String[] DATES = {"2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"};
    private static final String[] TYPES = {"ALL", "collision", "dangerous", "takeover", "hard_brake"};

    @TempDir
    Path tmp;

    @BeforeAll
    static void startFlink() throws Exception {
        flink = new MiniClusterWithClientResource(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(2).setNumberSlotsPerTaskManager(1).build());
        flink.before();
    }

    @AfterAll
    static void stopFlink() {
        if (flink != null) flink.after();
    }

    // ------------------------------------------------------------------ input, generated from the row index

    private static String date(int i, int shift) {
        return DATES[Math.floorMod(i + shift, DATES.length)];
    }

    /** dws_daily_auto_rate row i, version v (key: date, city, area, route, car-i). */
    static Object[] auto(int i, int v) {
        long total = 3_600L + i % 500 + v * 60L;
        long autoSecs = total / 2 + v;
        double miles = (i % 1_000) * 0.125 + v + 0.5;
        return new Object[] {date(i, 0), "C" + i % 97, "A" + i % 13, "R" + i % 7, "car-" + i, total, autoSecs,
                (double) autoSecs / total, miles, miles / 2};
    }

    /** dws_daily_mps_mpd / realtime_metrics row i, version v: key (DATES[i % 4], C(i / 20), TYPES[(i / 4) % 5]) is unique per i. */
    static Object[] mps(int i, int v) {
        long cases = i % 50 + v;
        long dangerous = cases / 3;
        double miles = 1_000.0 + i % 300 + v * 0.5;
        return new Object[] {date(i, 0), "C" + i / 20, TYPES[(i / 4) % 5], cases, dangerous, miles, cases * 10_000.0 / miles,
                dangerous * 10_000.0 / miles, 1_763_000_000_000L + i + v};
    }

    /** dwd_case_detail row i, version v, its date shifted by {@code shift} days of DATES (a late chunk moves a case). */
    static Object[] kase(int i, int v, int shift) {
        String date = date(i, shift);
        long start = LocalDate.parse(date).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() + (i % 86_400) * 1_000L;
        long chunks = 1 + i % 9 + v;
        return new Object[] {"case-" + i, "car-" + i % 300, date, start, start + 5_000 + v, TYPES[1 + i % 4], "camera",
                i % 17 == 0 ? null : "s3://cases/case-" + i, 1_024L * chunks, chunks, "C" + i % 97, "A" + i % 13, "R" + i % 7,
                i % 11 == 0 ? null : "task-" + i % 1_000, i % 3 == 0 ? null : "order-" + i, i % 3 == 0 ? null : "cust-" + i % 500,
                start / 1_000};
    }

    // ------------------------------------------------------------------ the fault-free result, by hand

    /** What Doris must hold for one table after a fault-free run: the sink's rules applied to the changes in order. */
    static final class Expected {
        final TableDef<?> def;
        final List<String> key;
        final boolean minusUDeletes;
        final Map<List<Object>, Map<String, Object>> rows = new LinkedHashMap<>();
        long lines;

        Expected(TableDef<?> def) {
            this.def = def;
            SyncedTable table = SyncedTable.byId(def.defaultName());
            this.key = table.dorisKey();
            this.minusUDeletes = table.deleteBeforeImages();
        }

        void apply(Change c) {
            Map<String, Object> row = TestRows.expected(def, c.values());
            List<Object> k = key.stream().map(row::get).toList();
            switch (c.op()) {
                case "+I", "+U" -> {
                    rows.put(k, row);
                    lines++;
                }
                case "-D" -> {
                    rows.remove(k);
                    lines++;
                }
                case "-U" -> {
                    if (minusUDeletes) {
                        rows.remove(k);
                        lines++;
                    }
                }
                default -> throw new IllegalArgumentException(c.op());
            }
        }

        /** An upsert or delete of the Fluss table: its changelog has one row the sink sends (+I, +U or -D). */
        void applyFluss(Change c) {
            Map<String, Object> row = TestRows.expected(def, c.values());
            List<Object> k = key.stream().map(row::get).toList();
            if (c.op().equals("-D")) {
                if (rows.remove(k) != null) lines++;
            } else {
                rows.put(k, row);
                lines++;
            }
        }

        /** null when the double holds exactly these rows, else what differs (counts and a few examples). */
        String differences(DorisDouble doris) {
            int count = doris.rowCount(def.defaultName());
            if (count != rows.size()) return def.defaultName() + ": " + count + " rows, want " + rows.size();
            Map<List<Object>, Map<String, Object>> have = doris.rows(def.defaultName());
            if (have.equals(rows)) return null;
            List<String> examples = new ArrayList<>();
            int missing = 0;
            int wrong = 0;
            for (var e : rows.entrySet()) {
                Map<String, Object> h = have.get(e.getKey());
                if (h == null) missing++;
                else if (!h.equals(e.getValue())) wrong++;
                else continue;
                if (examples.size() < 3) examples.add(e.getKey() + " want " + e.getValue() + " have " + h);
            }
            long extra = have.keySet().stream().filter(k -> !rows.containsKey(k)).count();
            return def.defaultName() + ": " + have.size() + " rows, want " + rows.size() + " (missing " + missing + ", wrong "
                    + wrong + ", extra " + extra + ") " + examples;
        }
    }

    // ------------------------------------------------------------------ the run

    private JobOptions options(DorisDouble doris) throws Exception {
        Path pw = Files.writeString(tmp.resolve("doris-password"), PASSWORD + "\n");
        return JobRunner.parse(new LakeToDorisJob(), new String[] {
                "--doris.fenodes", doris.address(), "--doris.ddl.history-days", String.valueOf(DorisDouble.HISTORY_DAYS),
                "--doris.user", "loader",
                "--doris.password-file", pw.toString(),
                "--paimon.warehouse", tmp.resolve("warehouse").toUri().toString(),
                "--fluss.bootstrap-servers", FLUSS.getBootstrapServers(),
                "--fluss.database", FLUSS_DB,
                "--checkpoint.interval", "1 s",
                "--checkpoint.dir", tmp.resolve("checkpoints").toUri().toString(),
                "--state.backend", "hashmap",
                "--restart.delay", "200 ms",
                "--restart.max-delay", "1 s",
                "--parallelism", "2"});
    }

    /** Writes the changes into the lake table as one commit, and applies them to the expected rows. */
    private static Void lake(PaimonTables lake, Expected expected, List<Change> changes) throws Exception {
        long t = System.nanoTime();
        Upstream.lake(lake, expected.def, changes);
        changes.forEach(expected::apply);
        System.out.printf("LakeToDorisFailoverIT: %d changes into lake %s in %.1f s%n", changes.size(), expected.def.defaultName(),
                (System.nanoTime() - t) / 1e9);
        return null;
    }

    private static Void fluss(Expected expected, List<Change> changes) throws Exception {
        long t = System.nanoTime();
        Upstream.flussBulk(FLUSS.getBootstrapServers(), FLUSS_DB, REALTIME, changes);
        changes.forEach(expected::applyFluss);
        System.out.printf("LakeToDorisFailoverIT: %d changes into Fluss %s in %.1f s%n", changes.size(), REALTIME.defaultName(),
                (System.nanoTime() - t) / 1e9);
        return null;
    }

    /**
     * Test settings of an upstream table, to keep 200,000 rows fast on two busy cores: the streaming read looks for new
     * snapshots every 200 ms (10 s by default); the files are Avro (the job's Paimon source reads any format; writing
     * zstd Parquet took four times as long; LakeToDorisJobIT reads the default format) and the test's writer skips
     * compaction (write-only).
     */
    private static void testTable(PaimonTables lake, TableDef<?> def) throws Exception {
        lake.ensureTable(def, def.defaultName());
        try (Catalog catalog = lake.catalog()) {
            catalog.alterTable(Identifier.create(lake.database(), def.defaultName()), List.of(
                    SchemaChange.setOption("continuous.discovery-interval", "200 ms"),
                    SchemaChange.setOption("file.format", "avro"),
                    SchemaChange.setOption("write-only", "true")), false);
        }
    }

    /** Runs the writes at once (each table's is one commit) and waits for all of them. */
    @SafeVarargs
    private static void inParallel(Callable<Void>... writes) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writes.length);
        try {
            for (Future<Void> f : pool.invokeAll(List.of(writes))) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Change> changes(int from, int to, int step, IntFunction<List<Change>> of) {
        List<Change> out = new ArrayList<>();
        for (int i = from; i < to; i += step) out.addAll(of.apply(i));
        return out;
    }

    private static void awaitAll(DorisDouble doris, JobClient job, List<Expected> tables) throws Exception {
        Await.until(WAIT, () -> {
            assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("job still running").isFalse();
            List<String> diffs = new ArrayList<>();
            for (Expected e : tables) {
                String d = e.differences(doris);
                if (d != null) diffs.add(d);
            }
            Await.seen(diffs + " | violations " + doris.violations());
            return diffs.isEmpty() ? true : null;
        });
    }

    /** Waits for a failure of the job newer than {@code after} (ms) matching the predicate, and returns it. */
    private static ErrorInfo awaitFailure(MiniCluster cluster, JobID job, long after, Predicate<String> what) throws Exception {
        return Await.until(WAIT, () -> {
            ErrorInfo e = cluster.getArchivedExecutionGraph(job).get().getFailureInfo();
            Await.seen(e == null ? "no failure" : e.getTimestamp() + " " + e.getExceptionAsString().lines().findFirst().orElse(""));
            return e != null && e.getTimestamp() > after && what.test(e.getExceptionAsString()) ? e : null;
        });
    }

    /**
     * Waits until every subtask of the job runs (again, after a failover of some of them); the second subtask of the
     * Fluss path finishes at once (the test's Fluss table has one bucket, so its reader gets no split).
     */
    private static void awaitAllRunning(MiniCluster cluster, JobID job) throws Exception {
        Await.until(WAIT, () -> {
            var states = StreamSupport.stream(cluster.getArchivedExecutionGraph(job).get().getAllExecutionVertices().spliterator(), false)
                    .map(v -> v.getExecutionState()).toList();
            Await.seen(states);
            return states.stream().allMatch(s -> s == ExecutionState.RUNNING || s == ExecutionState.FINISHED) ? true : null;
        });
    }

    /** CPU seconds used by this JVM so far (the figure that does not depend on what else the machine runs). */
    private static double cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    @Test
    void fourFailuresAtDifferentMomentsLeaveDorisExactlyAsAFaultFreeRun() throws Exception {
        long t0 = System.nanoTime();
        double cpu0 = cpu();
        MiniCluster cluster = flink.getMiniCluster();
        try (DorisDouble doris = new DorisDouble("dataloop", "loader", PASSWORD)) {
            JobOptions options = options(doris);
            PaimonTables lake = PaimonTables.fromOptions(options);
            Expected auto = new Expected(AUTO);
            Expected mps = new Expected(MPS);
            Expected cases = new Expected(CASES);
            Expected realtime = new Expected(REALTIME);
            List<Expected> all = List.of(auto, mps, cases, realtime);

            // 1. the input: 200,000 rows, one commit per table
            for (TableDef<?> def : List.of(AUTO, MPS, CASES)) testTable(lake, def);
            inParallel(
                    () -> lake(lake, auto, changes(0, AUTO_ROWS, 1, i -> List.of(Change.of("+I", auto(i, 0))))),
                    () -> lake(lake, mps, changes(0, MPS_ROWS, 1, i -> List.of(Change.of("+I", mps(i, 0))))),
                    () -> lake(lake, cases, changes(0, CASE_ROWS, 1, i -> List.of(Change.of("+I", kase(i, 0, 0))))),
                    () -> fluss(realtime, changes(0, REALTIME_ROWS, 1, i -> List.of(Change.of("+I", mps(i, 0))))));
            assertThat(all.stream().mapToLong(e -> e.lines).sum()).isGreaterThanOrEqualTo(200_000);
            long written = System.nanoTime();

            // the failures: one plan per path, each fires once
            Failures.Plan atRecord = Failures.plan().atRecord(30_000);
            Failures.Plan inSnapshot = Failures.plan().inSnapshotOf(5);
            Failures.Plan afterCheckpoint = Failures.plan();
            Map<String, Failures.Plan> plans = Map.of(AUTO.defaultName(), atRecord, MPS.defaultName(), inSnapshot,
                    CASES.defaultName(), afterCheckpoint);
            LakeToDorisJob job = new LakeToDorisJob(new LakeToDorisJob.Connectors() {
                @Override
                public LakeToDorisJob.Sources sources(StreamExecutionEnvironment env, JobOptions o) {
                    LakeToDorisJob.Sources real = LakeToDorisJob.REAL.sources(env, o);
                    return t -> {
                        var changes = real.open(t);
                        Failures.Plan plan = plans.get(t.id());
                        if (plan == null) return changes;
                        // at the source's parallelism: chained, so a key's changes keep their order
                        return changes.map(plan.<RowData>map()).returns(changes.getType()).setParallelism(changes.getParallelism())
                                .uid("inject-failures-" + t.id());
                    };
                }

                @Override
                public LakeToDorisJob.Sinks sinks(JobOptions o) {
                    return LakeToDorisJob.REAL.sinks(o);
                }
            });
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            JobRunner.definePipeline(env, job, options);
            JobClient client = JobRunner.executeAsync(env, options, LakeToDorisJob.NAME);
            long started = System.nanoTime();
            try {
                // 2. the initial load, through failures 1 (at a record) and 2 (in a snapshot)
                Await.until(WAIT, () -> atRecord.fired() == 1 && inSnapshot.fired() == 1 ? true : null);
                awaitAll(doris, client, all);
                long loaded = System.nanoTime();

                // 3. changes while the job runs: updates, deletes, inserts; cases moving to another day
                List<Change> autoChanges = changes(0, AUTO_ROWS, 20, i -> List.of(Change.of("-U", auto(i, 0)), Change.of("+U", auto(i, 1))));
                autoChanges.addAll(changes(7, AUTO_ROWS, 80, i -> List.of(Change.of("-D", auto(i, 0)))));
                autoChanges.addAll(changes(AUTO_ROWS, AUTO_ROWS + 1_000, 1, i -> List.of(Change.of("+I", auto(i, 0)))));
                List<Change> mpsChanges = changes(0, MPS_ROWS, 20, i -> List.of(Change.of("-U", mps(i, 0)), Change.of("+U", mps(i, 1))));
                mpsChanges.addAll(changes(3, MPS_ROWS, 40, i -> List.of(Change.of("-D", mps(i, 0)))));
                mpsChanges.addAll(changes(MPS_ROWS, MPS_ROWS + 1_000, 1, i -> List.of(Change.of("+I", mps(i, 0)))));
                List<Change> caseChanges = changes(0, CASE_ROWS, 20, i -> List.of(Change.of("-U", kase(i, 0, 0)), Change.of("+U", kase(i, 1, 0))));
                caseChanges.addAll(changes(10, CASE_ROWS, 20, i -> List.of(Change.of("-U", kase(i, 0, 0)), Change.of("+U", kase(i, 1, 1)))));
                caseChanges.addAll(changes(5, CASE_ROWS, 40, i -> List.of(Change.of("-D", kase(i, 0, 0)))));
                caseChanges.addAll(changes(CASE_ROWS, CASE_ROWS + 1_000, 1, i -> List.of(Change.of("+I", kase(i, 0, 0)))));
                List<Change> realtimeChanges = changes(0, REALTIME_ROWS, 20, i -> List.of(Change.of("+U", mps(i, 1))));
                realtimeChanges.addAll(changes(3, REALTIME_ROWS, 40, i -> List.of(Change.of("-D", mps(i, 0)))));
                realtimeChanges.addAll(changes(REALTIME_ROWS, REALTIME_ROWS + 500, 1, i -> List.of(Change.of("+I", mps(i, 0)))));
                inParallel(() -> lake(lake, auto, autoChanges), () -> lake(lake, mps, mpsChanges), () -> lake(lake, cases, caseChanges),
                        () -> fluss(realtime, realtimeChanges));
                long changed = System.nanoTime();

                // failure 3: right after the next checkpoint completes, while the changes load
                long armed = System.currentTimeMillis();
                afterCheckpoint.afterCheckpoint(0);
                awaitFailure(cluster, client.getJobID(), armed, s -> s.contains("injected failure: after checkpoint"));
                awaitAllRunning(cluster, client.getJobID());

                // failure 4: a task manager dies (a fresh one replaces it) once the job runs again
                long killed = System.currentTimeMillis();
                Failures.replaceTaskManager(cluster, 0);
                ErrorInfo lost = awaitFailure(cluster, client.getJobID(), killed, s -> !s.contains("injected failure"));

                // 4. more changes after the task manager was replaced
                inParallel(
                        () -> lake(lake, auto, changes(0, 20_000, 20, i -> List.of(Change.of("-U", auto(i, 1)), Change.of("+U", auto(i, 2))))),
                        () -> lake(lake, mps, changes(0, 8_000, 20, i -> List.of(Change.of("-D", mps(i, 1))))),
                        () -> lake(lake, cases, changes(10, 20_000, 20, i -> List.of(Change.of("-U", kase(i, 1, 1)), Change.of("+U", kase(i, 2, 2))))),
                        () -> fluss(realtime, changes(0, 10_000, 20, i -> List.of(Change.of("+U", mps(i, 2))))));

                awaitAll(doris, client, all);
                long done = System.nanoTime();
                System.out.printf("LakeToDorisFailoverIT: input written in %.1f s, initial load %.1f s, changes written in %.1f s,"
                        + " then failures 3-4 and the last changes %.1f s; %.1f s in all, %.1f CPU s; %d transactions (%d aborted),"
                        + " %d broken loads; task manager loss: %s%n",
                        (written - t0) / 1e9, (loaded - started) / 1e9, (changed - loaded) / 1e9, (done - changed) / 1e9,
                        (done - t0) / 1e9, cpu() - cpu0, doris.transactions().size(),
                        doris.transactions().stream().filter(t -> t.state == DorisDouble.TxnState.ABORTED).count(),
                        doris.brokenLoads().size(), lost.getExceptionAsString().lines().findFirst().orElse(""));
            } finally {
                if (!client.getJobStatus().get().isGloballyTerminalState()) {
                    client.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL).get();
                }
            }

            // row for row as a fault-free run, each change committed exactly once, every transaction ended, no violation
            for (Expected e : all) {
                assertThat(e.differences(doris)).as(e.def.defaultName()).isNull();
                assertThat(doris.committedLines(e.def.defaultName())).as(e.def.defaultName() + " committed lines").hasSize((int) e.lines);
            }
            assertThat(doris.violations()).isEmpty();
            assertThat(doris.transactions()).allSatisfy(t ->
                    assertThat(t.state).isIn(DorisDouble.TxnState.COMMITTED, DorisDouble.TxnState.ABORTED));
            assertThat(List.of(atRecord.fired(), inSnapshot.fired(), afterCheckpoint.fired())).containsOnly(1);
            assertThat(doris.transactions()).filteredOn(t -> t.state == DorisDouble.TxnState.COMMITTED)
                    .extracting(t -> t.label).doesNotHaveDuplicates();
        }
    }
}
