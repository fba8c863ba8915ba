package org.dataloop.laketodoris;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.tables.CaseMetricsTables;
import org.dataloop.laketodoris.testing.DorisDouble;
import org.dataloop.laketodoris.testing.TestRows;

/** The real DorisSink, wired as the job wires it, against the Doris double: bounded input, committed at the end. */
class DorisSinkIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path tmp;

    @Test
    void upsertsAndDeletesOfABoundedChangelogLandCommittedOnce() throws Exception {
        var def = CaseMetricsTables.DWS_DAILY_MPS_MPD;
        try (DorisDouble doris = new DorisDouble("dataloop", "loader", "s3cret")) {
            Path pw = Files.writeString(tmp.resolve("pw"), "s3cret\n");
            JobOptions options = JobRunner.parse(new LakeToDorisJob(), new String[] {
                    "--doris.fenodes", doris.address(), "--doris.user", "loader", "--doris.password-file", pw.toString(),
                    "--doris.tables", "dws_daily_mps_mpd", "--checkpoint.interval", "200 ms", "--state.backend", "hashmap",
                    "--parallelism", "1", "--restart.attempts", "0"});
            List<RowData> changes = new ArrayList<>(List.of(
                    TestRows.row(def, RowKind.INSERT, "2026-11-20", "SH", "ALL", 1L, 0L, 10.0, 1000.0, 0.0, 1L),
                    TestRows.row(def, RowKind.INSERT, "2026-11-20", "BJ", "ALL", 2L, 1L, 20.0, 1000.0, 500.0, 2L),
                    TestRows.row(def, RowKind.UPDATE_BEFORE, "2026-11-20", "SH", "ALL", 1L, 0L, 10.0, 1000.0, 0.0, 1L),
                    TestRows.row(def, RowKind.UPDATE_AFTER, "2026-11-20", "SH", "ALL", 3L, 1L, 10.0, 3000.0, 1000.0, 3L),
                    TestRows.row(def, RowKind.DELETE, "2026-11-20", "BJ", "ALL", 2L, 1L, 20.0, 1000.0, 500.0, 2L)));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            JobRunner.definePipeline(env, new LakeToDorisJob(new LakeToDorisJob.Connectors() {
                @Override
                public LakeToDorisJob.Sources sources(StreamExecutionEnvironment e, JobOptions o) {
                    return t -> e.fromData(changes, TestRows.typeInfo(def));
                }

                @Override
                public LakeToDorisJob.Sinks sinks(JobOptions o) {
                    return LakeToDorisJob.REAL.sinks(o);
                }
            }), options);
            env.execute("doris sink");

            assertThat(doris.violations()).isEmpty();
            assertThat(doris.rows("dws_daily_mps_mpd")).containsOnlyKeys(List.of(java.time.LocalDate.parse("2026-11-20").toString(), "SH", "ALL"));
            assertThat(doris.rows("dws_daily_mps_mpd").values()).containsExactly(
                    TestRows.expected(def, "2026-11-20", "SH", "ALL", 3L, 1L, 10.0, 3000.0, 1000.0, 3L));
            assertThat(doris.committedLines("dws_daily_mps_mpd")).hasSize(4); // -U is not sent
            assertThat(doris.transactions()).allSatisfy(t -> assertThat(t.state).isIn(DorisDouble.TxnState.COMMITTED, DorisDouble.TxnState.ABORTED));
            assertThat(doris.transactions()).filteredOn(t -> t.state == DorisDouble.TxnState.COMMITTED)
                    .allSatisfy(t -> assertThat(t.label).startsWith("dataloop-lake-to-doris-dws_daily_mps_mpd_dataloop_dws_daily_mps_mpd_0_"));
        }
    }
}
