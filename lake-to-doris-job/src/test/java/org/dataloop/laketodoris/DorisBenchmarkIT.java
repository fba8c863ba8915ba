package org.dataloop.laketodoris;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.io.TableDef;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.tables.CaseMetricsTables;
import org.dataloop.laketodoris.testing.DorisDouble;
import org.dataloop.laketodoris.testing.TestRows;

/**
 * Opt-in figures (not part of the build's tests): rows/s through the job's conversion and the real DorisSink into the
 * Doris double, and the commit latency after a checkpoint (pre-commit at the barrier → commit received by the double).
 * <pre>
 * mvn -B -o verify -pl lake-to-doris-job -am -Dtest=DorisBenchmarkIT -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Ddataloop.bench=true [-Ddataloop.bench.rows=2000000]
 * </pre>
 */
@EnabledIfSystemProperty(named = "dataloop.bench", matches = "true")
class DorisBenchmarkIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final TableDef<?> DEF = CaseMetricsTables.DWS_DAILY_MPS_MPD;

    /** Row i: a distinct key per i (city C<i % 100000>, day by i / 100000), an upsert. */
    static final class Rows implements GeneratorFunction<Long, RowData> {
        @Override
        public RowData map(Long i) {
            String day = java.time.LocalDate.of(2026, 1, 1).plusDays(i / 100_000).toString();
            return TestRows.row(DEF, RowKind.INSERT, day, "C" + (i % 100_000), "ALL", i, i / 2, 1000.0 + i, i * 10.0, i * 5.0, i);
        }
    }

    private static JobOptions options(DorisDouble doris, String interval) throws java.io.IOException {
        // refused rows would go to the lake's dlq table; the generated rows have none
        String warehouse = java.nio.file.Files.createTempDirectory("doris-bench").toUri().toString();
        return JobRunner.parse(new LakeToDorisJob(), new String[] {"--doris.fenodes", doris.address(), "--doris.ddl.history-days", String.valueOf(DorisDouble.HISTORY_DAYS), "--doris.user", "loader",
                "--paimon.warehouse", warehouse,
                "--doris.tables", "dws_daily_mps_mpd", "--checkpoint.interval", interval, "--state.backend", "hashmap",
                "--parallelism", "1", "--restart.attempts", "0"});
    }

    private static void run(DorisDouble doris, JobOptions options, DataGeneratorSource<RowData> source) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new LakeToDorisJob(new LakeToDorisJob.Connectors() {
            @Override
            public LakeToDorisJob.Sources sources(StreamExecutionEnvironment e, JobOptions o) {
                return t -> e.fromSource(source, WatermarkStrategy.noWatermarks(), "generated " + t.id());
            }

            @Override
            public LakeToDorisJob.Sinks sinks(JobOptions o) {
                return table -> LakeToDorisJob.dorisSink(o, table, DorisPassword.source(o));
            }
        }), options);
        env.execute("doris benchmark");
    }

    @Test
    void rowsPerSecondIntoTheDouble() throws Exception {
        long rows = Long.getLong("dataloop.bench.rows", 1_000_000L);
        try (DorisDouble doris = new DorisDouble("dataloop", "loader", "")) {
            DataGeneratorSource<RowData> source = new DataGeneratorSource<>(new Rows(), rows, TestRows.typeInfo(DEF));
            long start = System.nanoTime();
            run(doris, options(doris, "5 s"), source);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(doris.committedLines("dws_daily_mps_mpd")).hasSize((int) rows);
            System.out.printf("BENCH rows=%d seconds=%.1f rows/s=%.0f (job start to last commit, incl. the double's JSON checks)"
                    + " transactions=%d%n", rows, seconds, rows / seconds, doris.transactions().size());
        }
    }

    @Test
    void commitLatencyAfterACheckpoint() throws Exception {
        try (DorisDouble doris = new DorisDouble("dataloop", "loader", "")) {
            // 2,000 rows/s for 20 s, a checkpoint every second
            DataGeneratorSource<RowData> source = new DataGeneratorSource<>(new Rows(), 40_000, RateLimiterStrategy.perSecond(2_000),
                    TestRows.typeInfo(DEF));
            run(doris, options(doris, "1 s"), source);
            List<DorisDouble.Txn> committed = doris.transactions().stream()
                    .filter(t -> t.state == DorisDouble.TxnState.COMMITTED && t.rowCount() > 0).toList();
            long[] ms = committed.stream().mapToLong(t -> (t.committedAtNanos - t.preparedAtNanos) / 1_000_000).sorted().toArray();
            assertThat(ms).isNotEmpty();
            System.out.printf("BENCH commit latency (pre-commit at the checkpoint barrier -> commit at the double) over %d checkpoints:"
                    + " median=%d ms p90=%d ms max=%d ms%n", ms.length, ms[ms.length / 2], ms[(int) (ms.length * 0.9)], ms[ms.length - 1]);
            assertThat(LongStream.of(ms).min().orElseThrow()).isGreaterThanOrEqualTo(0);
        }
    }
}
