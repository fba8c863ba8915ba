package org.dataloop.laketodoris;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dataloop.laketodoris.testing.Upstream.Change;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.fluss.server.testutils.FlussClusterExtension;
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
import org.dataloop.laketodoris.testing.DorisDouble;
import org.dataloop.laketodoris.testing.TestRows;
import org.dataloop.laketodoris.testing.Upstream;

/**
 * lake-to-doris-job end to end: Paimon tables on local disk and Fluss's test cluster, written as the upstream
 * jobs write them, streamed by the job on a MiniCluster through the real DorisSink into the Doris double.
 */
class LakeToDorisJobIT {
    @RegisterExtension
    static final FlussClusterExtension FLUSS = FlussClusterExtension.builder().setNumOfTabletServers(1).build();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String PASSWORD = "doris-pw";
    private static final TableDef<?> AUTO = HeartbeatTables.DWS_DAILY_AUTO_RATE;
    private static final TableDef<?> MPS = CaseMetricsTables.DWS_DAILY_MPS_MPD;
    private static final TableDef<?> CASES = CaseMetricsTables.DWD_CASE_DETAIL;
    private static final TableDef<?> REALTIME = CaseMetricsTables.REALTIME_METRICS;

    @TempDir
    Path tmp;

    private JobOptions options(DorisDouble doris, String flussDb, String... extra) throws Exception {
        Path pw = Files.writeString(tmp.resolve("doris-password"), PASSWORD + "\n");
        List<String> args = new ArrayList<>(List.of(
                "--doris.fenodes", doris.address(), "--doris.ddl.history-days", String.valueOf(DorisDouble.HISTORY_DAYS),
                "--doris.user", "loader",
                "--doris.password-file", pw.toString(),
                "--paimon.warehouse", tmp.resolve("warehouse").toUri().toString(),
                "--fluss.bootstrap-servers", FLUSS.getBootstrapServers(),
                "--fluss.database", flussDb,
                "--checkpoint.interval", "300 ms",
                "--checkpoint.dir", tmp.resolve("checkpoints").toUri().toString(),
                "--state.backend", "hashmap",
                "--restart.delay", "200 ms",
                "--parallelism", "1"));
        args.addAll(List.of(extra));
        return JobRunner.parse(new LakeToDorisJob(), args.toArray(String[]::new));
    }

    private static JobClient start(LakeToDorisJob job, JobOptions options) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, job, options);
        return JobRunner.executeAsync(env, options, LakeToDorisJob.NAME);
    }

    private static Object[] auto(String date, String car, long total, long autoSecs, double miles) {
        return new Object[] {date, "SH", "PD", "r1", car, total, autoSecs, total == 0 ? 0.0 : (double) autoSecs / total, miles, miles / 2};
    }

    private static Object[] mps(String date, String city, String type, long cases, long update) {
        return new Object[] {date, city, type, cases, cases / 2, 100.0, cases * 100.0, cases / 2 * 100.0, update};
    }

    private static Object[] kase(String id, String date, long startTs, long chunks) {
        return new Object[] {id, "car-1", date, startTs, startTs + 5000, "collision", "camera", "s3://cases/" + id, 1024 * chunks,
                chunks, "SH", "PD", "r1", "task-1", null, null, startTs / 1000};
    }

    private static List<Object[]> rows(Object[]... rows) {
        return new ArrayList<>(java.util.Arrays.asList(rows));
    }

    private static Map<String, Object> row(TableDef<?> def, Object[] values) {
        return TestRows.expected(def, values);
    }

    /** Waits until the double's committed rows of the table are exactly these. */
    private static void awaitRows(DorisDouble doris, TableDef<?> def, List<Object[]> expected) throws Exception {
        Set<Map<String, Object>> want = new HashSet<>();
        for (Object[] v : expected) want.add(row(def, v));
        Await.until(WAIT, () -> {
            Set<Map<String, Object>> have = new HashSet<>(doris.rows(def.defaultName()).values());
            Await.seen(def.defaultName() + ": " + have + " | violations " + doris.violations());
            return have.equals(want) ? true : null;
        });
    }

    @Test
    void lakeAndFlussChangelogsArriveCommittedExactlyOnceWithUpdatesAndDeletes() throws Exception {
        try (DorisDouble doris = new DorisDouble("dataloop", "loader", PASSWORD)) {
            JobOptions options = options(doris, "e2e");
            PaimonTables lake = PaimonTables.fromOptions(options);
            String fluss = FLUSS.getBootstrapServers();
            Upstream.lake(lake, AUTO, List.of(Change.of("+I", auto("2026-11-20", "car-1", 100, 50, 1.0)),
                    Change.of("+I", auto("2026-11-20", "car-2", 10, 10, 0.1))));
            Upstream.lake(lake, MPS, List.of(Change.of("+I", mps("2026-11-20", "SH", "ALL", 4, 1)),
                    Change.of("+I", mps("2026-11-20", "SH", "collision", 2, 1))));
            Upstream.lake(lake, CASES, List.of(Change.of("+I", kase("case-1", "2026-11-20", 1_763_600_000_000L, 1)),
                    Change.of("+I", kase("case-2", "2026-11-20", 1_763_610_000_000L, 2))));
            Upstream.fluss(fluss, "e2e", REALTIME, List.of(Change.of("+I", mps("2026-11-20", "SH", "ALL", 1, 1)),
                    Change.of("+I", mps("2026-11-20", "BJ", "ALL", 2, 1))));

            JobClient job = start(new LakeToDorisJob(), options);
            try {
                awaitRows(doris, AUTO, rows(auto("2026-11-20", "car-1", 100, 50, 1.0), auto("2026-11-20", "car-2", 10, 10, 0.1)));
                awaitRows(doris, MPS, rows(mps("2026-11-20", "SH", "ALL", 4, 1), mps("2026-11-20", "SH", "collision", 2, 1)));
                awaitRows(doris, CASES, rows(kase("case-1", "2026-11-20", 1_763_600_000_000L, 1),
                        kase("case-2", "2026-11-20", 1_763_610_000_000L, 2)));
                awaitRows(doris, REALTIME, rows(mps("2026-11-20", "SH", "ALL", 1, 1), mps("2026-11-20", "BJ", "ALL", 2, 1)));

                // updates and deletes while the job runs
                Upstream.lake(lake, AUTO, List.of(Change.of("+U", auto("2026-11-20", "car-1", 200, 150, 2.0)),
                        Change.of("-D", auto("2026-11-20", "car-2", 10, 10, 0.1)),
                        Change.of("+I", auto("2026-11-21", "car-3", 5, 0, 0.05))));
                Upstream.lake(lake, MPS, List.of(Change.of("-U", mps("2026-11-20", "SH", "ALL", 4, 1)),
                        Change.of("+U", mps("2026-11-20", "SH", "ALL", 6, 2)),
                        Change.of("-D", mps("2026-11-20", "SH", "collision", 2, 1))));
                // case-1 gains an earlier chunk from the day before: its date_key moves, so its Doris key changes
                Upstream.lake(lake, CASES, List.of(Change.of("-U", kase("case-1", "2026-11-20", 1_763_600_000_000L, 1)),
                        Change.of("+U", kase("case-1", "2026-11-19", 1_763_500_000_000L, 2)),
                        Change.of("-D", kase("case-2", "2026-11-20", 1_763_610_000_000L, 2)),
                        Change.of("+I", kase("case-3", "2026-11-21", 1_763_700_000_000L, 1))));
                Upstream.fluss(fluss, "e2e", REALTIME, List.of(Change.of("+U", mps("2026-11-20", "SH", "ALL", 3, 2)),
                        Change.of("-D", mps("2026-11-20", "BJ", "ALL", 2, 1))));

                awaitRows(doris, AUTO, rows(auto("2026-11-20", "car-1", 200, 150, 2.0), auto("2026-11-21", "car-3", 5, 0, 0.05)));
                awaitRows(doris, MPS, rows(mps("2026-11-20", "SH", "ALL", 6, 2)));
                awaitRows(doris, CASES, rows(kase("case-1", "2026-11-19", 1_763_500_000_000L, 2),
                        kase("case-3", "2026-11-21", 1_763_700_000_000L, 1)));
                awaitRows(doris, REALTIME, rows(mps("2026-11-20", "SH", "ALL", 3, 2)));
            } finally {
                job.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL).get();
            }

            assertThat(doris.violations()).isEmpty();
            assertThat(doris.transactions()).allSatisfy(t ->
                    assertThat(t.state).isIn(DorisDouble.TxnState.COMMITTED, DorisDouble.TxnState.ABORTED));
            // exactly once: every change was committed once (-U skipped, except where it moves a case's Doris key)
            assertThat(doris.committedLines("dws_daily_auto_rate")).hasSize(5);
            assertThat(doris.committedLines("dws_daily_mps_mpd")).hasSize(4);
            assertThat(doris.committedLines("dwd_case_detail")).hasSize(6);
            assertThat(doris.committedLines("realtime_metrics")).hasSize(4);
            assertThat(doris.committedLines("dwd_case_detail")).filteredOn(l -> Long.valueOf(1).equals(l.get(DorisRows.DELETE_SIGN)))
                    .extracting(l -> l.get("case_id") + "@" + l.get("date_key")).containsExactlyInAnyOrder("case-1@2026-11-20", "case-2@2026-11-20");
            // labels: <label-base>-<start id>-<table>, the connector adds db_table, subtask and checkpoint id
            assertThat(doris.transactions()).filteredOn(t -> t.table.equals("realtime_metrics"))
                    .allSatisfy(t -> assertThat(t.label).matches("dataloop-lake-to-doris-\\d{17}-realtime_metrics_dataloop_realtime_metrics_0_\\d+"));
        }
    }

    /**
     * The lake-to-doris fuzz: rows Doris in strict mode refuses would fail every load of their table after every
     * restart. 300 seeded rows, half of them mutated (a string longer than its column in UTF-8 bytes though not in
     * characters, a day with no partition ahead or long past, a non-finite number), with restarts off: each refused row
     * is a dead letter in the lake's dlq table with Doris's message, the job keeps running and the valid rows commit.
     */
    @Test
    void rowsDorisWouldRefuseAreDeadLettersAndTheRestCommits() throws Exception {
        try (DorisDouble doris = new DorisDouble("dataloop", "loader", PASSWORD)) {
            JobOptions options = options(doris, "refused", "--doris.tables", "dws_daily_auto_rate", "--restart.attempts", "0");
            PaimonTables lake = PaimonTables.fromOptions(options);
            java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneId.of("Asia/Shanghai"));
            java.util.Random random = new java.util.Random(20261202L);
            List<Change> changes = new ArrayList<>();
            List<Object[]> valid = new ArrayList<>();
            Map<String, Integer> mutations = new java.util.TreeMap<>();
            for (int i = 0; i < 300; i++) {
                Object[] row = auto("2026-11-" + (10 + random.nextInt(20)), "car-" + i, 100 + random.nextInt(100), random.nextInt(100), random.nextDouble());
                String mutation = random.nextBoolean() ? "none" : List.of("bytes", "ahead", "past", "non-finite").get(random.nextInt(4));
                switch (mutation) {
                    case "bytes" -> row[1] = "\u00e9".repeat(65); // city_code VARCHAR(128): 65 characters, 130 bytes
                    case "ahead" -> row[0] = today.plusDays(4 + random.nextInt(30)).toString();
                    case "past" -> row[0] = today.minusDays(DorisDouble.HISTORY_DAYS + 1 + random.nextInt(1000)).toString();
                    case "non-finite" -> row[8] = random.nextBoolean() ? Double.NaN : Double.POSITIVE_INFINITY;
                    default -> valid.add(row);
                }
                mutations.merge(mutation, 1, Integer::sum);
                changes.add(Change.of("+I", row));
            }
            Upstream.lake(lake, AUTO, changes);
            int refused = changes.size() - valid.size();

            JobClient job = start(new LakeToDorisJob(), options);
            try {
                awaitRows(doris, AUTO, valid);
                List<Map<String, Object>> deadLetters = Await.until(WAIT, () -> {
                    assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("the job has ended").isFalse();
                    List<Map<String, Object>> d = lake.tableExists("dlq") ? lake.readAll("dlq") : List.of();
                    Await.seen(d.size() + " dead letters of " + refused);
                    return d.size() >= refused ? d : null;
                });
                assertThat(deadLetters).hasSize(refused).allSatisfy(d -> assertThat(d).containsEntry("reason", "doris_refused")
                        .containsEntry("stream", "dws_daily_auto_rate").containsEntry("job", LakeToDorisJob.NAME));
                assertThat(deadLetters).extracting(d -> (String) d.get("detail"))
                        .anySatisfy(m -> assertThat(m).startsWith("no partition for this tuple: date_key="))
                        .anySatisfy(m -> assertThat(m).isEqualTo(
                                "the length of input is too long than schema. column_name: city_code; schema length: 128; actual length: 130"));
                assertThat(doris.violations()).isEmpty();
                assertThat(job.getJobStatus().get()).isEqualTo(org.apache.flink.api.common.JobStatus.RUNNING);
                System.out.println("FUZZ lake-to-doris: " + changes.size() + " rows, mutations " + mutations + ": "
                        + valid.size() + " in Doris, " + deadLetters.size() + " dead letters");
            } finally {
                Await.cancelled(job);
            }
        }
    }

    /** Fails the task once, the first time it sees a row whose first BIGINT column is the marker. */
    static final class FailOnce implements MapFunction<RowData, RowData> {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        private final int column;
        private final long marker;

        FailOnce(int column, long marker) {
            this.column = column;
            this.marker = marker;
        }

        @Override
        public RowData map(RowData row) {
            if (row.getLong(column) == marker && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure while a load is open");
            }
            return row;
        }
    }

    @Test
    void failuresBetweenPreCommitAndCommitEndEveryTransactionCommittedOrAbortedWithNoRowTwiceOrLost() throws Exception {
        try (DorisDouble doris = new DorisDouble("dataloop", "loader", PASSWORD)) {
            JobOptions options = options(doris, "failover", "--doris.tables", "dws_daily_mps_mpd;realtime_metrics",
                    "--doris.max-retries", "0", "--restart.attempts", "5");
            PaimonTables lake = PaimonTables.fromOptions(options);
            String fluss = FLUSS.getBootstrapServers();
            List<Object[]> expectedMps = new ArrayList<>();
            List<Change> batch = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                batch.add(Change.of("+I", mps("2026-11-20", "C" + i, "ALL", i, 1)));
                expectedMps.add(mps("2026-11-20", "C" + i, "ALL", i, 1));
            }
            Upstream.lake(lake, MPS, batch);
            Upstream.fluss(fluss, "failover", REALTIME, List.of(Change.of("+I", mps("2026-11-20", "SH", "ALL", 1, 1))));

            // the first commits after pre-commit fail (HTTP 500, no retry): the job fails and restores from its checkpoint
            doris.failCommits(2);
            FailOnce.FAILED.set(false);
            LakeToDorisJob job = new LakeToDorisJob(new LakeToDorisJob.Connectors() {
                @Override
                public LakeToDorisJob.Sources sources(StreamExecutionEnvironment env, JobOptions o) {
                    LakeToDorisJob.Sources real = LakeToDorisJob.REAL.sources(env, o);
                    // case_count is column 3; 777 marks the row after which the task fails once, mid-load
                    return t -> {
                        var changes = real.open(t);
                        return changes.map(new FailOnce(3, 777)).returns(changes.getType()).uid("fail-once-" + t.id());
                    };
                }

                @Override
                public LakeToDorisJob.Sinks sinks(JobOptions o) {
                    return LakeToDorisJob.REAL.sinks(o);
                }
            });
            JobClient client = start(job, options);
            try {
                awaitRows(doris, MPS, expectedMps);
                awaitRows(doris, REALTIME, rows(mps("2026-11-20", "SH", "ALL", 1, 1)));
                assertThat(doris.failedCommits()).isEqualTo(2);

                List<Change> more = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    more.add(Change.of("+U", mps("2026-11-20", "C" + i, "ALL", i == 5 ? 777 : 100 + i, 2)));
                    expectedMps.set(i, mps("2026-11-20", "C" + i, "ALL", i == 5 ? 777 : 100 + i, 2));
                }
                more.add(Change.of("-D", mps("2026-11-20", "C19", "ALL", 19, 1)));
                expectedMps.remove(19);
                Upstream.lake(lake, MPS, more);
                Upstream.fluss(fluss, "failover", REALTIME, List.of(Change.of("+U", mps("2026-11-20", "SH", "ALL", 2, 2))));

                awaitRows(doris, MPS, expectedMps);
                awaitRows(doris, REALTIME, rows(mps("2026-11-20", "SH", "ALL", 2, 2)));
                assertThat(FailOnce.FAILED).isTrue();
            } finally {
                client.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL).get();
            }

            assertThat(doris.violations()).isEmpty();
            assertThat(doris.transactions()).allSatisfy(t ->
                    assertThat(t.state).isIn(DorisDouble.TxnState.COMMITTED, DorisDouble.TxnState.ABORTED));
            // aborted: the writers' start-up probes of every attempt, and whatever load a failed attempt left open
            assertThat(doris.transactions()).anySatisfy(t -> assertThat(t.state).isEqualTo(DorisDouble.TxnState.ABORTED));
            // no row twice, none lost: 20 inserts + 10 updates + 1 delete committed exactly once
            List<Map<String, Object>> lines = doris.committedLines("dws_daily_mps_mpd");
            assertThat(lines).hasSize(31);
            assertThat(new HashSet<>(lines)).hasSize(31);
            assertThat(doris.committedLines("realtime_metrics")).hasSize(2);
        }
    }
}
