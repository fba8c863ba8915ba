package org.dataloop.common.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.testing.Await;

/**
 * A job writing to the lake is stopped with a savepoint and restored at another parallelism, starting from a savepoint
 * of the previous layout (Paimon's committer chained to its writer at parallelism 1, pinned to max parallelism 1 at
 * 2): every restore succeeds and the table holds each generated row exactly once.
 */
class PaimonCommitterRescaleIT {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    /** The generator's range; at parallelism 2 it is split in two halves, each read in order. */
    private static final long RANGE = 1_000_000_000L;

    @TempDir
    Path tmp;

    /** A Flink POJO: one generated number. */
    public static class Tick {
        public long id;

        public Tick() {}

        Tick(long id) {
            this.id = id;
        }
    }

    // no primary key: an append-only table, where a row written twice shows as two rows
    static final TableDef<Tick> TICKS = TableDef.<Tick>builder("ticks", TableDef.Store.LAKE)
            .required("id", ColumnType.BIGINT, t -> t.id)
            .build();

    @Test
    void aSavepointOfThePreviousLayoutAtParallelismOneRestoresAtTwoAndBack() throws Exception {
        PaimonTables lake = lake();
        String savepoint = runThenStop(lake, 1, true, null);
        savepoint = runThenStop(lake, 2, false, savepoint);
        runThenStop(lake, 1, false, savepoint);
        assertEveryTickOnceAndInOrder(lake);
    }

    @Test
    void aSavepointOfThePreviousLayoutAtParallelismTwoRestoresAtOneAndBack() throws Exception {
        PaimonTables lake = lake();
        String savepoint = runThenStop(lake, 2, true, null);
        savepoint = runThenStop(lake, 1, false, savepoint);
        runThenStop(lake, 2, false, savepoint);
        assertEveryTickOnceAndInOrder(lake);
    }

    private PaimonTables lake() {
        return new PaimonTables(Map.of("warehouse", tmp.resolve("warehouse").toUri().toString(), "cache-enabled", "false"),
                "rescale", 1);
    }

    /** Runs until at least 50 more rows are committed, then stops with a savepoint (not drained) and returns it. */
    private String runThenStop(PaimonTables lake, int parallelism, boolean previousLayout, String restoreFrom) throws Exception {
        int before = lake.tableExists("ticks") ? lake.readAll("ticks").size() : 0;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.getConfig().disableGenericTypes();
        env.enableCheckpointing(200);
        env.setParallelism(parallelism);
        env.setMaxParallelism(128);
        DataGeneratorSource<Tick> source = new DataGeneratorSource<>(Tick::new, RANGE, RateLimiterStrategy.perSecond(100),
                TypeInformation.of(Tick.class));
        lake.sink(env.fromSource(source, WatermarkStrategy.noWatermarks(), "ticks").uid("ticks"), TICKS, "ticks", "rescale");
        StreamGraph graph = env.getStreamGraph();
        if (!previousLayout) PaimonTables.unpinCommitters(graph);
        if (restoreFrom != null) graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(restoreFrom));
        JobClient job = env.executeAsync(graph);
        try {
            Await.until(Duration.ofSeconds(90), () -> {
                JobStatus status = job.getJobStatus().get();
                if (status.isGloballyTerminalState()) {
                    Throwable cause = job.getJobExecutionResult().handle((r, e) -> e).get();
                    while (cause != null && cause.getCause() != null) cause = cause.getCause();
                    throw new AssertionError("the job ended " + status + ": " + cause);
                }
                int rows = lake.tableExists("ticks") ? lake.readAll("ticks").size() : 0;
                Await.seen(rows + " rows");
                return rows >= before + 50 ? true : null;
            });
            return job.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(60, TimeUnit.SECONDS);
        } catch (Exception | AssertionError e) {
            Await.cancelled(job);
            throw e;
        }
    }

    /** Each half of the range was read from its start with no gap and no repeat, across every stop and restore. */
    private static void assertEveryTickOnceAndInOrder(PaimonTables lake) {
        List<Long> ids = lake.readAll("ticks").stream().map(r -> (Long) r.get("id")).sorted().toList();
        assertThat(ids).doesNotHaveDuplicates();
        Map<Long, List<Long>> byHalf = new TreeMap<>();
        for (long id : ids) byHalf.computeIfAbsent(id < RANGE / 2 ? 0L : RANGE / 2, k -> new java.util.ArrayList<>()).add(id);
        byHalf.forEach((start, half) -> assertThat(half).as("the half starting at %d", start)
                .isEqualTo(java.util.stream.LongStream.range(start, start + half.size()).boxed().toList()));
        assertThat(ids).hasSizeGreaterThanOrEqualTo(150);
    }
}
