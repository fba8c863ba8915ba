package org.dataloop.cdcdim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.testing.Await;
import org.dataloop.common.testing.KafkaTestCluster;
import org.dataloop.heartbeat.HeartbeatJob;

/**
 * The dimension loop end to end: a change to {@code cars} in MariaDB → cdc-dim-job → the lake's dim_car →
 * heartbeat-job (running, reading Kafka, re-reading its dimensions every 500 ms) → the car attributes of the
 * {@code dwd_heartbeat_clean} rows it processes after the change. Both jobs share one Paimon warehouse.
 */
class DimensionChangeEndToEndIT {
    @RegisterExtension
    static final KafkaTestCluster KAFKA = new KafkaTestCluster();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static final long DAY_START = ZonedDateTime.of(2026, 11, 20, 0, 0, 0, 0, ZoneId.of("Asia/Shanghai")).toEpochSecond();
    private static final Duration REFRESH = Duration.ofMillis(500);
    private static final Duration WAIT = Duration.ofSeconds(90);

    /** The ts_second of the next heartbeat produced: one second after the previous one. */
    private long nextTs = DAY_START;

    @TempDir
    Path tmp;

    private static String hb(long ts) {
        return "{\"car_id\":\"car-1\",\"ts_second\":" + ts + ",\"driving_mode\":\"Auto\",\"speed\":36,\"city\":\"Shanghai\","
                + "\"area\":\"Pudong\",\"route_id\":\"r1\"}";
    }

    @Test
    void aCarChangedAtTheSourceIsInTheHeartbeatRowsProcessedAfterIt() throws Exception {
        String db = "fleet_e2e";
        TestDatabases.createMysqlTables(db);
        TestDatabases.mysqlRoot(db, "INSERT INTO cars VALUES ('car-1', 'robotaxi', 'M1', NULL)",
                "INSERT INTO city_area VALUES ('Shanghai', 'Pudong', 'SH', 'PD')",
                "INSERT INTO routes VALUES ('r1', 'R-SH-01', 'Airport loop')");
        String warehouse = tmp.resolve("warehouse").toUri().toString();

        JobOptions cdcOptions = JobRunner.parse(new CdcDimJob(Map.of()), new String[] {
                "--mysql.hostname", "localhost", "--mysql.port", String.valueOf(TestDatabases.mariaDb()), "--mysql.database", db,
                "--mysql.username", TestDatabases.CDC_USER,
                "--mysql.password-file", TestDatabases.passwordFile(tmp, TestDatabases.CDC_PASSWORD),
                "--mysql.server-id", "5440", "--mysql.server-time-zone", "Asia/Shanghai",
                "--paimon.warehouse", warehouse, "--checkpoint.interval", "500 ms", "--parallelism", "1"});
        JobOptions hbOptions = JobRunner.parse(new HeartbeatJob(), new String[] {
                "--local", // no Fluss here: realtime_heartbeat is skipped with a warning
                "--kafka.bootstrap-servers", KAFKA.bootstrapServers(), "--topic.heartbeat", "heartbeat-e2e",
                "--table.dlq", "dlq-e2e", "--kafka.starting-offsets", "earliest",
                "--paimon.warehouse", warehouse, "--checkpoint.interval", "500 ms",
                "--dim.refresh-interval", REFRESH.toMillis() + " ms",
                "--source.max-future", "3650 d", "--state.backend", "hashmap", "--parallelism", "1"});
        PaimonTables lake = PaimonTables.fromOptions(cdcOptions);
        KAFKA.createTopic("heartbeat-e2e", 1);
        KAFKA.createTopic("dlq-e2e", 1);

        JobClient cdc = CdcDimJobIT.start(cdcOptions);
        JobClient heartbeats = null;
        try {
            // every dimension the assertions read (car, city/area, route) is in the lake before heartbeat-job starts: its
            // enricher loads them when it opens, and a heartbeat enriched before a table's first commit lacks its codes
            CdcDimJobIT.await(() -> {
                Map<String, Map<String, Object>> cars = CdcDimJobIT.rows(lake, "dim_car", "car_id");
                Map<String, Map<String, Object>> areas = CdcDimJobIT.rows(lake, "dim_city_area", "city_name", "area_name");
                Map<String, Map<String, Object>> routes = CdcDimJobIT.rows(lake, "dim_route", "route_id");
                Await.seen(List.of(cars, areas, routes));
                return cars.containsKey("car-1") && "M1".equals(cars.get("car-1").get("car_model"))
                        && areas.containsKey("Shanghai/Pudong") && routes.containsKey("r1");
            });
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            JobRunner.definePipeline(env, new HeartbeatJob(), hbOptions);
            heartbeats = JobRunner.executeAsync(env, hbOptions, "heartbeat-job");

            long first = nextTs++;
            KAFKA.produceAll("heartbeat-e2e", List.of(hb(first)));
            assertThat(dwd(lake, first)).containsEntry("car_type", "robotaxi").containsEntry("car_model", "M1")
                    .containsEntry("city_code", "SH").containsEntry("area_code", "PD").containsEntry("route_code", "R-SH-01");

            // an update at the source: once it is in the lake, the first heartbeat the job enriches after its next
            // dimension refresh carries it, and so does every heartbeat after that one
            TestDatabases.mysqlRoot(db, "UPDATE cars SET car_type = 'robobus', car_model = 'B7' WHERE car_id = 'car-1'");
            CdcDimJobIT.await(() -> "B7".equals(carModel(lake)));
            long updated = firstHeartbeatEnrichedSo(lake, row -> "B7".equals(row.get("car_model")));
            assertThat(dwd(lake, updated)).containsEntry("car_type", "robobus");
            long afterUpdate = nextTs++;
            KAFKA.produceAll("heartbeat-e2e", List.of(hb(afterUpdate)));
            assertThat(dwd(lake, afterUpdate)).containsEntry("car_type", "robobus").containsEntry("car_model", "B7");

            // a delete at the source: the car's attributes are gone from rows processed afterwards
            TestDatabases.mysqlRoot(db, "DELETE FROM cars WHERE car_id = 'car-1'");
            CdcDimJobIT.await(() -> CdcDimJobIT.rows(lake, "dim_car", "car_id").isEmpty());
            long deleted = firstHeartbeatEnrichedSo(lake, row -> row.get("car_model") == null);
            long afterDelete = nextTs++;
            KAFKA.produceAll("heartbeat-e2e", List.of(hb(afterDelete)));
            for (long ts : new long[] {deleted, afterDelete}) {
                assertThat(dwd(lake, ts)).containsEntry("car_type", null).containsEntry("car_model", null)
                        .containsEntry("city_code", "SH").containsEntry("route_code", "R-SH-01");
            }

            // rows processed before a change keep the attributes they were enriched with
            assertThat(dwd(lake, first)).containsEntry("car_model", "M1");
            assertThat(dwd(lake, updated)).containsEntry("car_model", "B7");
            assertThat(dwd(lake, afterUpdate)).containsEntry("car_model", "B7");
        } finally {
            if (heartbeats != null) Await.cancelled(heartbeats);
            Await.cancelled(cdc);
        }
    }

    /**
     * Produces heartbeats of car-1, one at a time (each after the previous one is in dwd_heartbeat_clean), until one is
     * enriched as {@code carries} says, and returns its ts_second. A heartbeat enriched from the copy loaded before the
     * change (at most one refresh interval old) may still show the old values; the deadline bounds the wait.
     */
    private long firstHeartbeatEnrichedSo(PaimonTables lake, Predicate<Map<String, Object>> carries) throws Exception {
        return Await.until(WAIT, () -> {
            long ts = nextTs++;
            KAFKA.produceAll("heartbeat-e2e", List.of(hb(ts)));
            Map<String, Object> row = dwd(lake, ts);
            Await.seen(row);
            return carries.test(row) ? ts : null;
        });
    }

    private static Object carModel(PaimonTables lake) {
        Map<String, Object> row = CdcDimJobIT.rows(lake, "dim_car", "car_id").get("car-1");
        return row == null ? null : row.get("car_model");
    }

    private static Map<String, Object> dwd(PaimonTables lake, long ts) throws Exception {
        return Await.until(WAIT, () -> {
            if (!lake.tableExists("dwd_heartbeat_clean")) return null;
            return lake.readAll("dwd_heartbeat_clean").stream()
                    .filter(r -> r.get("car_id").equals("car-1") && r.get("ts_second").equals(ts)).findFirst().orElse(null);
        });
    }
}
