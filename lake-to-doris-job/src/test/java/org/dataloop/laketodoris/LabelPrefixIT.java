package org.dataloop.laketodoris;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.io.TableDef;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.tables.CaseMetricsTables;
import org.dataloop.common.testing.Await;
import org.dataloop.laketodoris.testing.DorisDouble;
import org.dataloop.laketodoris.testing.TestRows;

/**
 * A fresh start (no checkpoint, no savepoint) with the {@code --doris.label-prefix} of an earlier deployment, against
 * a Doris that has committed that deployment's labels; and restores, which must keep loading under the labels of the
 * state they restore (the connector aborts a failed attempt's transactions by probing those labels).
 */
class LabelPrefixIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final String TABLE = "dws_daily_mps_mpd";
    private static final TableDef<?> DEF = CaseMetricsTables.DWS_DAILY_MPS_MPD;
    private static final String LABEL_TABLE_PART = "_dataloop_" + TABLE + "_";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private static Object[] mps(String city, long cases) {
        return new Object[] {"2026-11-20", city, "ALL", cases, 0L, 10.0, cases * 1000.0, 0.0, 1L};
    }

    /** Emits its rows (as inserts), then idles until cancelled. No state: a restore emits them again. */
    static final class RowsThenIdle implements SourceFunction<RowData> {
        private final ArrayList<Object[]> values;
        private volatile boolean running = true;

        RowsThenIdle(List<Object[]> values) {
            this.values = new ArrayList<>(values);
        }

        @Override
        public void run(SourceContext<RowData> ctx) throws Exception {
            synchronized (ctx.getCheckpointLock()) {
                for (Object[] v : values) ctx.collect(TestRows.row(DEF, RowKind.INSERT, v));
            }
            while (running) Thread.sleep(20);
        }

        @Override
        public void cancel() {
            running = false;
        }
    }

    /** Submits the job's wiring (the real DorisSink) on these rows, fresh or restored from a savepoint. */
    private JobClient start(DorisDouble doris, List<Object[]> rows, String savepoint) throws Exception {
        Path pw = Files.writeString(tmp.resolve("pw"), "s3cret\n");
        List<String> args = new ArrayList<>(List.of(
                "--doris.fenodes", doris.address(), "--doris.ddl.history-days", String.valueOf(DorisDouble.HISTORY_DAYS), "--doris.user", "loader", "--doris.password-file", pw.toString(),
                "--paimon.warehouse", tmp.resolve("warehouse").toUri().toString(), // for the dead letters
                "--doris.tables", TABLE, "--doris.label-prefix", "prod-l2d", "--checkpoint.interval", "200 ms",
                "--state.backend", "hashmap", "--parallelism", "1", "--restart.delay", "100 ms", "--restart.attempts", "2"));
        if (savepoint != null) args.addAll(List.of("--savepoint.path", savepoint));
        JobOptions options = JobRunner.parse(new LakeToDorisJob(), args.toArray(String[]::new));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new LakeToDorisJob(new LakeToDorisJob.Connectors() {
            @Override
            public LakeToDorisJob.Sources sources(StreamExecutionEnvironment e, JobOptions o) {
                return t -> e.addSource(new RowsThenIdle(rows), "rows", TestRows.typeInfo(DEF)).uid("rows");
            }

            @Override
            public LakeToDorisJob.Sinks sinks(JobOptions o) {
                return LakeToDorisJob.REAL.sinks(o);
            }
        }), options);
        return JobRunner.executeAsync(env, options, "label prefix");
    }

    /** Waits until the double holds exactly these rows, failing at once (with the job's error) when the job ends. */
    private static void awaitRows(DorisDouble doris, JobClient job, List<Object[]> expected) throws Exception {
        Set<Map<String, Object>> want = new HashSet<>();
        for (Object[] v : expected) want.add(TestRows.expected(DEF, v));
        Await.until(WAIT, () -> {
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                String why;
                try {
                    job.getJobExecutionResult().get();
                    why = "finished";
                } catch (Exception e) {
                    why = ExceptionUtils.stringifyException(e);
                }
                throw new AssertionError("the job ended before its rows were committed: " + why);
            }
            Set<Map<String, Object>> have = new HashSet<>(doris.rows(TABLE).values());
            Await.seen(have + " | violations " + doris.violations());
            return have.equals(want) ? true : null;
        });
    }

    private String stop(JobClient job) throws Exception {
        return job.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL).get();
    }

    /** The label prefixes (the part before {@code _<db>_<table>_<subtask>_<checkpoint>}) of transactions from index {@code from} on. */
    private static Set<String> prefixes(DorisDouble doris, int from) {
        Set<String> out = new TreeSet<>();
        List<DorisDouble.Txn> txns = doris.transactions();
        for (DorisDouble.Txn t : txns.subList(from, txns.size())) {
            int i = t.label.indexOf(LABEL_TABLE_PART);
            assertThat(i).as("label %s names the table", t.label).isPositive();
            out.add(t.label.substring(0, i));
        }
        return out;
    }

    @Test
    void aFreshStartWithAnUsedLabelPrefixLoadsUnderANewPrefixAndRestoresKeepTheirs() throws Exception {
        try (DorisDouble doris = new DorisDouble("dataloop", "loader", "s3cret")) {
            List<Object[]> rows1 = List.of(mps("SH", 1), mps("BJ", 2));
            List<Object[]> rows2 = List.<Object[]>of(mps("GZ", 3));
            List<Object[]> rows3 = List.<Object[]>of(mps("SZ", 4));
            List<Object[]> rows4 = List.<Object[]>of(mps("HZ", 5));
            List<Object[]> all = new ArrayList<>(rows1);

            // deployment 1, fresh: its labels are committed in Doris
            JobClient run1 = start(doris, rows1, null);
            awaitRows(doris, run1, all);
            String savepoint1 = stop(run1);
            Set<String> prefix1 = prefixes(doris, 0);
            assertThat(prefix1).hasSize(1).allSatisfy(p -> assertThat(p).startsWith("prod-l2d-").endsWith("-" + TABLE));

            // deployment 2, fresh again with the same --doris.label-prefix: it must not collide with deployment 1's labels
            int before2 = doris.transactions().size();
            JobClient run2 = start(doris, rows2, null);
            all.addAll(rows2);
            awaitRows(doris, run2, all);
            String savepoint2 = stop(run2);
            Set<String> prefix2 = prefixes(doris, before2);
            assertThat(prefix2).hasSize(1).doesNotContainAnyElementsOf(prefix1)
                    .allSatisfy(p -> assertThat(p).matches("prod-l2d-\\d{17}-" + TABLE));

            // deployment 1 restored from its savepoint: it loads under its own labels again
            int before3 = doris.transactions().size();
            JobClient run3 = start(doris, rows3, savepoint1);
            all.addAll(rows3);
            awaitRows(doris, run3, all);
            stop(run3);
            assertThat(prefixes(doris, before3)).isEqualTo(prefix1);

            // and deployment 2 restored from its savepoint: under deployment 2's labels
            int before4 = doris.transactions().size();
            JobClient run4 = start(doris, rows4, savepoint2);
            all.addAll(rows4);
            awaitRows(doris, run4, all);
            stop(run4);
            assertThat(prefixes(doris, before4)).isEqualTo(prefix2);

            assertThat(doris.violations()).isEmpty();
            assertThat(doris.transactions()).allSatisfy(t ->
                    assertThat(t.state).isIn(DorisDouble.TxnState.COMMITTED, DorisDouble.TxnState.ABORTED));
        }
    }
}
