package org.dataloop.common.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.fluss.server.testutils.FlussClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FlussTablesIT {

    // its afterEach drops every table: a cluster closing with tables left takes ~8 s longer to stop
    @RegisterExtension
    static final FlussClusterExtension FLUSS = FlussClusterExtension.builder().setNumOfTabletServers(1).build();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(1)
            .build());

    /** A Flink POJO (public fields, no-arg constructor): no Kryo with generic types disabled. */
    public static class Visit {
        public String op;
        public String vehicle;
        public String day;
        public Integer stops;
        public Long meters;
        public Double speed;
        public Boolean done;
        public String note;

        public Visit() {}

        Visit(String op, String vehicle, String day, int stops, long meters, double speed, boolean done, String note) {
            this.op = op;
            this.vehicle = vehicle;
            this.day = day;
            this.stops = stops;
            this.meters = meters;
            this.speed = speed;
            this.done = done;
            this.note = note;
        }
    }

    static final TableDef<Visit> VISITS = TableDef.<Visit>builder("visits", TableDef.Store.FLUSS)
            .required("vehicle", ColumnType.STRING, v -> v.vehicle)
            .required("day", ColumnType.DATE, v -> v.day)
            .required("stops", ColumnType.INT, v -> v.stops)
            .required("meters", ColumnType.BIGINT, v -> v.meters)
            .optional("speed", ColumnType.DOUBLE, v -> v.speed)
            .required("done", ColumnType.BOOLEAN, v -> v.done)
            .optional("note", ColumnType.STRING, v -> v.note)
            .primaryKey("vehicle", "day")
            .op(v -> v.op)
            .build();

    @Test
    void upsertsAndDeletesByPrimaryKey() throws Exception {
        String servers = FLUSS.getBootstrapServers();
        // each Fluss client takes ~2 s to close (Netty's quiet period): one call per helper is all we can afford
        FlussTables.createIfMissing(servers, "dataloop", "visits", VISITS, 2);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.getConfig().disableGenericTypes();
        env.enableCheckpointing(200);
        env.setParallelism(1);
        DataStream<Visit> rows = env.fromData(Visit.class,
                new Visit("+I", "v1", "2026-11-01", 3, 1200L, 8.5, false, "first"),
                new Visit("+I", "v1", "2026-11-02", 1, 300L, 4.0, true, null),
                new Visit("+I", "v2", "2026-11-01", 7, 9000L, 12.25, true, "gone soon"),
                new Visit("-U", "v1", "2026-11-01", 3, 1200L, 8.5, false, "first"),
                new Visit("+U", "v1", "2026-11-01", 4, 1500L, 9.5, true, "updated"),
                new Visit("-D", "v2", "2026-11-01", 7, 9000L, 12.25, true, "gone soon"));
        FlussTables.sink(rows, VISITS, servers, "dataloop", "visits", "visits");
        env.execute("fluss-sink-it");

        List<Map<String, Object>> found = FlussTables.lookup(servers, "dataloop", "visits", VISITS, List.of(
                new Object[] {"v1", "2026-11-01"},
                new Object[] {"v1", "2026-11-02"},
                new Object[] {"v2", "2026-11-01"}));

        assertThat(found).hasSize(3);
        assertThat(found.get(0)).containsExactlyEntriesOf(
                row("v1", "2026-11-01", 4, 1500L, 9.5, true, "updated"));
        assertThat(found.get(1)).containsExactlyEntriesOf(
                row("v1", "2026-11-02", 1, 300L, 4.0, true, null));
        assertThat(found.get(2)).as("deleted key").isNull();
    }

    private static Map<String, Object> row(Object... values) {
        List<String> names = Arrays.asList("vehicle", "day", "stops", "meters", "speed", "done", "note");
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) m.put(names.get(i), values[i]);
        return m;
    }
}
