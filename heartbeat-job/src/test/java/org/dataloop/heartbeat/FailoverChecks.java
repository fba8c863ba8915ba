package org.dataloop.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.fluss.client.Connection;
import org.apache.fluss.client.ConnectionFactory;
import org.apache.fluss.client.admin.Admin;
import org.apache.fluss.client.admin.OffsetSpec;
import org.apache.fluss.client.table.Table;
import org.apache.fluss.client.table.scanner.ScanRecord;
import org.apache.fluss.client.table.scanner.log.LogScanner;
import org.apache.fluss.client.table.scanner.log.ScanRecords;
import org.apache.fluss.config.Configuration;
import org.apache.fluss.metadata.TableBucket;
import org.apache.fluss.metadata.TablePath;

import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.data.InternalRow;
import org.apache.paimon.reader.RecordReader;
import org.apache.paimon.table.source.ReadBuilder;

import org.dataloop.common.event.Heartbeat;
import org.dataloop.common.io.PaimonTables;

/** Reading heartbeat-job's outputs back and comparing them with a {@link FleetInput}'s expectation, row for row. */
final class FailoverChecks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FailoverChecks() {}

    /** Every ods_heartbeat row is the first arrival of its key, every expected key is there, none twice. */
    static void assertOds(PaimonTables lake, String table, Map<String, Heartbeat> expected) {
        List<Map<String, Object>> rows = lake.readAll(table);
        assertThat(rows).hasSize(expected.size());
        Set<String> seen = new HashSet<>();
        List<String> wrong = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            String key = FleetInput.key(r.get("car_id"), r.get("ts_second"));
            Heartbeat h = expected.get(key);
            boolean same = h != null && seen.add(key) && h.drivingMode.equals(r.get("driving_mode")) && r.get("speed").equals(h.speed)
                    && Objects.equals(r.get("road_type"), h.roadType) && Objects.equals(r.get("task_id"), h.taskId)
                    && Objects.equals(r.get("task_status"), h.taskStatus) && Objects.equals(r.get("city"), h.city)
                    && Objects.equals(r.get("area"), h.area) && Objects.equals(r.get("route_id"), h.routeId);
            if (!same && wrong.size() < 5) wrong.add(r + (h == null ? " (unexpected or twice)" : " want " + FleetInput.json(h)));
        }
        assertThat(wrong).as("ods rows that are not the first arrival of their key, or twice").isEmpty();
        assertThat(seen).hasSize(expected.size());
    }

    /** dwd_heartbeat_clean: the expected keys, each once. */
    static void assertDwdKeys(PaimonTables lake, String table, Set<String> expectedKeys) throws Exception {
        List<String> keys = lakeKeys(lake, table);
        assertThat(keys).hasSize(expectedKeys.size());
        Set<String> distinct = new HashSet<>(keys);
        assertThat(distinct).hasSize(expectedKeys.size());
        assertThat(distinct.equals(expectedKeys)).as("dwd keys are the ods keys").isTrue();
    }

    /** The (car_id, ts_second) of every row of a lake table at its latest snapshot, reading only those two columns. */
    static List<String> lakeKeys(PaimonTables lake, String table) throws Exception {
        List<String> keys = new ArrayList<>();
        try (Catalog catalog = lake.catalog()) {
            org.apache.paimon.table.Table t = catalog.getTable(Identifier.create(lake.database(), table));
            List<String> names = t.rowType().getFieldNames();
            ReadBuilder rb = t.newReadBuilder().withProjection(new int[] {names.indexOf("car_id"), names.indexOf("ts_second")});
            try (RecordReader<InternalRow> reader = rb.newRead().createReader(rb.newScan().plan())) {
                reader.forEachRemaining(row -> keys.add(FleetInput.key(row.getString(0).toString(), row.getLong(1))));
            }
        }
        return keys;
    }

    /** Null when the dws rows are exactly the expected ones; else what differs (first few). */
    static String dailyMismatch(List<Map<String, Object>> rows, Map<String, FleetInput.Daily> expected) {
        List<String> diffs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Map<String, Object> r : rows) {
            String key = FleetInput.dailyKey(r.get("date_key"), r.get("city_code"), r.get("area_code"), r.get("route_code"), r.get("car_id"));
            seen.add(key);
            FleetInput.Daily d = expected.get(key);
            if (d == null) {
                diffs.add("unexpected " + r);
                continue;
            }
            double rate = d.total == 0 ? 0 : (double) d.auto / d.total;
            boolean same = ((Long) r.get("total_duration_seconds")) == d.total && ((Long) r.get("auto_duration_seconds")) == d.auto
                    && close((Double) r.get("total_miles"), d.totalKm) && close((Double) r.get("auto_miles"), d.autoKm)
                    && close((Double) r.get("auto_rate"), rate);
            if (!same) diffs.add(key + ": got " + r + ", want total=" + d.total + " auto=" + d.auto + " km=" + d.totalKm + " autoKm=" + d.autoKm);
        }
        for (String k : expected.keySet()) if (!seen.contains(k)) diffs.add("missing " + k);
        if (diffs.isEmpty()) return null;
        return diffs.size() + " differences, e.g. " + diffs.subList(0, Math.min(3, diffs.size()));
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
    }

    /**
     * Dead letters by identity, with their count: a parse failure by "reason|partition|offset" of its message, a late
     * heartbeat (it has no Kafka coordinates) by "late|car_id/ts_second". ingest_time is ignored.
     */
    static Map<String, Integer> deadLetters(List<String> values) throws Exception {
        Map<String, Integer> out = new HashMap<>();
        for (String v : values) {
            JsonNode d = JSON.readTree(v);
            String reason = d.get("reason").asText();
            String id;
            if (reason.equals("late")) {
                JsonNode raw = JSON.readTree(d.get("raw").asText());
                id = "late|" + FleetInput.key(raw.get("car_id").asText(), raw.get("ts_second").asLong());
            } else {
                id = reason + "|" + d.get("partition").asInt() + "|" + d.get("offset").asLong();
            }
            out.merge(id, 1, Integer::sum);
        }
        return out;
    }

    /**
     * The distinct (car_id, ts_second) keys in a Fluss primary-key table's changelog, read from the beginning to the
     * end offsets of every bucket as they are now. An upsert written twice (a replay after a restart) is one key.
     */
    static Set<String> flussKeys(String bootstrapServers, String database, String table, Duration timeout) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("bootstrap.servers", bootstrapServers);
        TablePath path = TablePath.of(database, table);
        Set<String> keys = new HashSet<>();
        try (Connection connection = ConnectionFactory.createConnection(conf); Admin admin = connection.getAdmin();
                Table t = connection.getTable(path)) {
            int buckets = t.getTableInfo().getNumBuckets();
            List<Integer> ids = IntStream.range(0, buckets).boxed().toList();
            Map<Integer, Long> ends = admin.listOffsets(path, ids, new OffsetSpec.LatestSpec()).all().get();
            Map<Integer, Long> next = new HashMap<>();
            try (LogScanner scanner = t.newScan().project(List.of("car_id", "ts_second")).createLogScanner()) {
                for (int b : ids) {
                    next.put(b, 0L);
                    if (ends.get(b) > 0) scanner.subscribeFromBeginning(b);
                }
                long deadline = System.nanoTime() + timeout.toNanos();
                while (ids.stream().anyMatch(b -> next.get(b) < ends.get(b))) {
                    if (System.nanoTime() > deadline) throw new AssertionError("Fluss changelog not read to its end: " + next + " of " + ends);
                    ScanRecords batch = scanner.poll(Duration.ofMillis(500));
                    for (TableBucket tb : batch.buckets()) {
                        for (ScanRecord r : batch.records(tb)) {
                            keys.add(FleetInput.key(r.getRow().getString(0).toString(), r.getRow().getLong(1)));
                            next.merge(tb.getBucket(), r.logOffset() + 1, Math::max);
                        }
                    }
                }
            }
        }
        return keys;
    }

    /** How often the job has been restarted: the highest attempt number of its tasks (every failover restarts all). */
    static int restarts(MiniCluster cluster, JobID job) throws Exception {
        AccessExecutionGraph graph = cluster.getExecutionGraph(job).get();
        int max = 0;
        for (AccessExecutionVertex v : graph.getAllExecutionVertices()) max = Math.max(max, v.getCurrentExecutionAttempt().getAttemptNumber());
        return max;
    }

    static long completedCheckpoints(MiniCluster cluster, JobID job) throws Exception {
        return cluster.getExecutionGraph(job).get().getCheckpointStatsSnapshot().getCounts().getNumberOfCompletedCheckpoints();
    }

    /** Completed and failed checkpoints so far, and the duration of the last completed one. */
    static String checkpoints(MiniCluster cluster, JobID job) throws Exception {
        CheckpointStatsSnapshot stats = cluster.getExecutionGraph(job).get().getCheckpointStatsSnapshot();
        CompletedCheckpointStats last = stats.getHistory().getLatestCompletedCheckpoint();
        return stats.getCounts().getNumberOfCompletedCheckpoints() + " checkpoints completed, "
                + stats.getCounts().getNumberOfFailedCheckpoints() + " failed"
                + (last == null ? "" : ", the last (" + last.getCheckpointId() + ") took " + last.getEndToEndDuration() + " ms");
    }

    /**
     * Task manager settings that keep in-flight data small (buffer debloating to 200 ms of throughput), so a checkpoint
     * barrier does not queue behind seconds of records on a busy machine and a restart replays little.
     */
    static org.apache.flink.configuration.Configuration smallInFlightData() {
        org.apache.flink.configuration.Configuration c = new org.apache.flink.configuration.Configuration();
        c.set(TaskManagerOptions.BUFFER_DEBLOAT_ENABLED, true);
        c.set(TaskManagerOptions.BUFFER_DEBLOAT_TARGET, Duration.ofMillis(200));
        return c;
    }

    /** Prints a progress line with the wall time and this JVM's CPU time since {@code started}. */
    static void log(String test, long started, String format, Object... args) {
        double cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
        System.out.printf("[%s %5.1fs, JVM cpu %5.1fs] %s%n", test, (System.nanoTime() - started) / 1e9, cpu, String.format(format, args));
    }

    /** Whether every task of the job is running. */
    static boolean allRunning(MiniCluster cluster, JobID job) throws Exception {
        AccessExecutionGraph graph = cluster.getExecutionGraph(job).get();
        for (AccessExecutionVertex v : graph.getAllExecutionVertices()) {
            if (v.getExecutionState() != ExecutionState.RUNNING) return false;
        }
        return true;
    }

    static <K, V> String firstDifferences(Map<K, V> got, Map<K, V> want) {
        List<String> diffs = new ArrayList<>();
        for (Map.Entry<K, V> e : want.entrySet()) {
            if (!Objects.equals(got.get(e.getKey()), e.getValue())) diffs.add(e.getKey() + ": got " + got.get(e.getKey()) + " want " + e.getValue());
        }
        for (K k : got.keySet()) if (!want.containsKey(k)) diffs.add(k + ": unexpected, " + got.get(k) + " times");
        return diffs.isEmpty() ? null : diffs.size() + " differences, e.g. " + diffs.subList(0, Math.min(5, diffs.size()));
    }
}
