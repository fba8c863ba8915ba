package org.dataloop.laketodoris;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import java.time.Duration;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.testing.Await;
import org.dataloop.common.tables.CaseMetricsTables;
import org.dataloop.laketodoris.testing.DorisDouble;
import org.dataloop.laketodoris.testing.TestRows;

/**
 * The real DorisSink, wired as the job wires it, on a bounded changelog (committed by the final checkpoint), against
 * the Doris double: what lands, and what happens when Doris refuses loads.
 */
class DorisSinkIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final String TABLE = "dws_daily_mps_mpd";
    private static final org.dataloop.common.io.TableDef<?> DEF = CaseMetricsTables.DWS_DAILY_MPS_MPD;

    @TempDir
    Path tmp;

    private static final List<RowData> CHANGES = List.of(
            TestRows.row(DEF, RowKind.INSERT, "2026-11-20", "SH", "ALL", 1L, 0L, 10.0, 1000.0, 0.0, 1L),
            TestRows.row(DEF, RowKind.INSERT, "2026-11-20", "BJ", "ALL", 2L, 1L, 20.0, 1000.0, 500.0, 2L),
            TestRows.row(DEF, RowKind.UPDATE_BEFORE, "2026-11-20", "SH", "ALL", 1L, 0L, 10.0, 1000.0, 0.0, 1L),
            TestRows.row(DEF, RowKind.UPDATE_AFTER, "2026-11-20", "SH", "ALL", 3L, 1L, 10.0, 3000.0, 1000.0, 3L),
            TestRows.row(DEF, RowKind.DELETE, "2026-11-20", "BJ", "ALL", 2L, 1L, 20.0, 1000.0, 500.0, 2L));

    /**
     * Emits the changes, then idles until cancelled: an unbounded input, so a failing job fails only because of its
     * loads (a bounded source's end races with a task failure). No state: a restart emits them again.
     */
    static final class ChangesThenIdle implements SourceFunction<RowData> {
        private volatile boolean running = true;

        @Override
        public void run(SourceContext<RowData> ctx) throws Exception {
            synchronized (ctx.getCheckpointLock()) {
                for (RowData r : CHANGES) ctx.collect(r);
            }
            while (running) Thread.sleep(20);
        }

        @Override
        public void cancel() {
            running = false;
        }
    }

    /** Runs the job's wiring on the bounded changes into the double; throws what the job failed with. */
    private void run(DorisDouble doris, String... extra) throws Exception {
        environment(doris, false, extra).execute("doris sink");
    }

    /** Submits the job's wiring on the unbounded changes into the double. */
    private JobClient start(DorisDouble doris, String... extra) throws Exception {
        return environment(doris, true, extra).executeAsync("doris sink");
    }

    /** Runs the job's wiring on the unbounded changes; throws what the job failed with. */
    private void runUnbounded(DorisDouble doris, String... extra) throws Exception {
        environment(doris, true, extra).execute("doris sink");
    }

    private StreamExecutionEnvironment environment(DorisDouble doris, boolean unbounded, String... extra) throws Exception {
        Path pw = Files.writeString(tmp.resolve("pw"), "s3cret\n");
        List<String> args = new ArrayList<>(List.of(
                "--doris.fenodes", doris.address(), "--doris.ddl.history-days", String.valueOf(DorisDouble.HISTORY_DAYS), "--doris.user", "loader", "--doris.password-file", pw.toString(),
                "--paimon.warehouse", tmp.resolve("warehouse").toUri().toString(), // for the dead letters
                "--doris.tables", TABLE, "--checkpoint.interval", "200 ms", "--state.backend", "hashmap",
                "--parallelism", "1", "--restart.delay", "100 ms"));
        args.addAll(List.of(extra));
        JobOptions options = JobRunner.parse(new LakeToDorisJob(), args.toArray(String[]::new));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new LakeToDorisJob(new LakeToDorisJob.Connectors() {
            @Override
            public LakeToDorisJob.Sources sources(StreamExecutionEnvironment e, JobOptions o) {
                return t -> unbounded ? e.addSource(new ChangesThenIdle(), "changes", TestRows.typeInfo(DEF)).uid("changes")
                        : e.fromData(CHANGES, TestRows.typeInfo(DEF));
            }

            @Override
            public LakeToDorisJob.Sinks sinks(JobOptions o) {
                return LakeToDorisJob.REAL.sinks(o);
            }
        }), options);
        return env;
    }

    private static void assertEndState(DorisDouble doris) {
        assertThat(doris.violations()).isEmpty();
        assertThat(doris.rows(TABLE).values()).containsExactly(
                TestRows.expected(DEF, "2026-11-20", "SH", "ALL", 3L, 1L, 10.0, 3000.0, 1000.0, 3L));
        assertThat(doris.committedLines(TABLE)).hasSize(4); // -U is not sent; nothing twice
        assertThat(doris.transactions()).allSatisfy(t ->
                assertThat(t.state).isIn(DorisDouble.TxnState.COMMITTED, DorisDouble.TxnState.ABORTED));
    }

    @Test
    void upsertsAndDeletesOfABoundedChangelogLandCommittedOnce() throws Exception {
        try (DorisDouble doris = new DorisDouble("dataloop", "loader", "s3cret")) {
            run(doris, "--restart.attempts", "0");
            assertEndState(doris);
            // one transaction, or more when a checkpoint fell between the rows
            assertThat(doris.transactions()).filteredOn(t -> t.state == DorisDouble.TxnState.COMMITTED).isNotEmpty()
                    .allSatisfy(t -> assertThat(t.label).matches("dataloop-lake-to-doris-\\d{17}-dws_daily_mps_mpd_dataloop_dws_daily_mps_mpd_0_\\d+"));
        }
    }

    @Test
    void withoutAutoRedirectTheSinkAsksTheFeForItsBackendsAndProbesThem() throws Exception {
        try (DorisDouble doris = new DorisDouble("dataloop", "loader", "s3cret")) {
            run(doris, "--restart.attempts", "0", "--doris.auto-redirect", "false");
            assertEndState(doris);
            assertThat(doris.requests()).contains("GET /api/backends", "GET /",
                    "PUT /api/dataloop/dws_daily_mps_mpd/_stream_load", "PUT /api/dataloop/_stream_load_2pc");
        }
    }

    @Test
    void aLoadRefusedOnceIsRetriedByARestartAndLandsOnce() throws Exception {
        try (DorisDouble doris = new DorisDouble("dataloop", "loader", "s3cret")) {
            doris.refuseLoads(TABLE, DorisDouble.Refusal.HTTP_500, 1);
            JobClient job = start(doris, "--restart.attempts", "2");
            try {
                Await.until(Duration.ofSeconds(60), () -> doris.rows(TABLE).size() == 1 && doris.committedLines(TABLE).size() == 4 ? true : null);
            } finally {
                Await.cancelled(job);
            }
            assertThat(doris.refusedLoads()).isEqualTo(1);
            assertEndState(doris);
        }
    }

    @Test
    void aDorisAnswering500ToEveryLoadFailsTheJobAfterTheConfiguredRestarts() throws Exception {
        try (DorisDouble doris = new DorisDouble("dataloop", "loader", "s3cret")) {
            doris.refuseLoads(TABLE, DorisDouble.Refusal.HTTP_500, -1);
            assertThatThrownBy(() -> runUnbounded(doris, "--restart.attempts", "2"))
                    .satisfies(e -> assertThat(ExceptionUtils.stringifyException(e))
                            .contains("stream load error: HTTP/1.1 500")
                            .contains("attemptsBeforeResetBackoff=2")); // exponential-delay restarts (common)
            assertThat(doris.refusedLoads()).isEqualTo(3); // the first attempt and two restarts
            assertThat(doris.rows(TABLE)).isEmpty();
            assertThat(doris.transactions()).noneSatisfy(t -> assertThat(t.state).isEqualTo(DorisDouble.TxnState.COMMITTED));
            assertThat(doris.transactions()).noneSatisfy(t -> assertThat(t.state).isEqualTo(DorisDouble.TxnState.PREPARED));
        }
    }

    @Test
    void aFailedLoadStatusFailsTheJobNamingTheTableAndDorisMessage() throws Exception {
        try (DorisDouble doris = new DorisDouble("dataloop", "loader", "s3cret")) {
            doris.refuseLoads(TABLE, DorisDouble.Refusal.FAIL_STATUS, -1);
            assertThatThrownBy(() -> runUnbounded(doris, "--restart.attempts", "1"))
                    .satisfies(e -> assertThat(ExceptionUtils.stringifyException(e))
                            .contains("table dataloop.dws_daily_mps_mpd stream load error: injected: [INTERNAL_ERROR] too many filtered rows"));
            assertThat(doris.refusedLoads()).isEqualTo(2);
            assertThat(doris.rows(TABLE)).isEmpty();
        }
    }

    @Test
    void aDorisTableWithOtherColumnsRefusesTheLoadAndTheJobFails() throws Exception {
        List<String> withoutMpd = new ArrayList<>(DEF.columns().stream().map(c -> c.name()).toList());
        withoutMpd.remove("mpd");
        try (DorisDouble doris = new DorisDouble("dataloop", "loader", "s3cret", Map.of(TABLE, withoutMpd))) {
            assertThatThrownBy(() -> runUnbounded(doris, "--restart.attempts", "0"))
                    .satisfies(e -> assertThat(ExceptionUtils.stringifyException(e))
                            .contains("table dataloop.dws_daily_mps_mpd stream load error: [DATA_QUALITY_ERROR] line 1: columns")
                            .contains("do not match the table's"));
            assertThat(doris.rows(TABLE)).isEmpty();
        }
    }

    @Test
    void aWrongPasswordIsRefused() throws Exception {
        try (DorisDouble doris = new DorisDouble("dataloop", "loader", "another")) {
            assertThatThrownBy(() -> runUnbounded(doris, "--restart.attempts", "0")).isNotNull();
            assertThat(doris.transactions()).isEmpty();
        }
    }
}
