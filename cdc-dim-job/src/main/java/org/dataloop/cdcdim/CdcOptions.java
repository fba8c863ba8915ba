package org.dataloop.cdcdim;

import java.time.Duration;
import java.util.List;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The options of cdc-dim-job. Passwords are not options: see {@link Passwords}. */
public final class CdcOptions {
    private CdcOptions() {}

    public enum StartupMode { initial, latest, timestamp }

    public static final ConfigOption<String> MYSQL_HOSTNAME = ConfigOptions.key("mysql.hostname").stringType().noDefaultValue()
            .withDescription("MySQL/MariaDB server of the cars, city_area and routes tables; unset = no MySQL source.");
    public static final ConfigOption<Integer> MYSQL_PORT = ConfigOptions.key("mysql.port").intType().defaultValue(3306)
            .withDescription("MySQL port.");
    public static final ConfigOption<String> MYSQL_DATABASE = ConfigOptions.key("mysql.database").stringType().defaultValue("fleet")
            .withDescription("MySQL database holding cars, city_area and routes.");
    public static final ConfigOption<String> MYSQL_USERNAME = ConfigOptions.key("mysql.username").stringType().defaultValue("cdc")
            .withDescription("MySQL user (needs SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT).");
    public static final ConfigOption<String> MYSQL_PASSWORD_FILE = ConfigOptions.key("mysql.password-file").stringType().noDefaultValue()
            .withDescription("File holding the MySQL password (e.g. a mounted Secret); else the environment variable "
                    + Passwords.MYSQL_ENV + ".");
    public static final ConfigOption<String> MYSQL_SERVER_ID = ConfigOptions.key("mysql.server-id").stringType().defaultValue("5400-5403")
            .withDescription("Replica server ids of the MySQL readers, N or N-M: one per parallel reader, unique among the"
                    + " server's replicas and other CDC jobs.");
    public static final ConfigOption<String> MYSQL_SERVER_TIME_ZONE = ConfigOptions.key("mysql.server-time-zone").stringType()
            .defaultValue("UTC").withDescription("Time zone of the MySQL server: DATETIME values are wall-clock times in it.");
    public static final ConfigOption<StartupMode> MYSQL_STARTUP_MODE = ConfigOptions.key("mysql.startup-mode").enumType(StartupMode.class)
            .defaultValue(StartupMode.initial)
            .withDescription("Without state: initial (snapshot, then the binlog), latest (only changes from now) or timestamp"
                    + " (binlog changes from --mysql.startup-timestamp).");
    public static final ConfigOption<String> MYSQL_STARTUP_TIMESTAMP = ConfigOptions.key("mysql.startup-timestamp").stringType()
            .noDefaultValue().withDescription("With --mysql.startup-mode timestamp: epoch ms or an ISO-8601 instant (2026-11-20T00:00:00Z).");

    public static final ConfigOption<String> POSTGRES_HOSTNAME = ConfigOptions.key("postgres.hostname").stringType().noDefaultValue()
            .withDescription("PostgreSQL server of the orders table; unset = no PostgreSQL source.");
    public static final ConfigOption<Integer> POSTGRES_PORT = ConfigOptions.key("postgres.port").intType().defaultValue(5432)
            .withDescription("PostgreSQL port.");
    public static final ConfigOption<String> POSTGRES_DATABASE = ConfigOptions.key("postgres.database").stringType().defaultValue("fleet")
            .withDescription("PostgreSQL database holding orders.");
    public static final ConfigOption<String> POSTGRES_SCHEMA = ConfigOptions.key("postgres.schema").stringType().defaultValue("public")
            .withDescription("PostgreSQL schema holding orders.");
    public static final ConfigOption<String> POSTGRES_USERNAME = ConfigOptions.key("postgres.username").stringType().defaultValue("cdc")
            .withDescription("PostgreSQL user (REPLICATION, SELECT on orders; see docs/cdc-dim-job.md).");
    public static final ConfigOption<String> POSTGRES_PASSWORD_FILE = ConfigOptions.key("postgres.password-file").stringType()
            .noDefaultValue().withDescription("File holding the PostgreSQL password (e.g. a mounted Secret); else the environment"
                    + " variable " + Passwords.POSTGRES_ENV + ".");
    public static final ConfigOption<String> POSTGRES_SLOT_NAME = ConfigOptions.key("postgres.slot-name").stringType()
            .defaultValue("dataloop_cdc_dim").withDescription("Logical replication slot (pgoutput); one per job, created when missing.");
    public static final ConfigOption<String> POSTGRES_PUBLICATION = ConfigOptions.key("postgres.publication").stringType()
            .defaultValue("dataloop_cdc_dim").withDescription("Publication of the captured tables; created for them when missing.");
    public static final ConfigOption<String> POSTGRES_SERVER_TIME_ZONE = ConfigOptions.key("postgres.server-time-zone").stringType()
            .defaultValue("UTC").withDescription("Time zone in which timestamp-without-time-zone values are read.");
    public static final ConfigOption<StartupMode> POSTGRES_STARTUP_MODE = ConfigOptions.key("postgres.startup-mode")
            .enumType(StartupMode.class).defaultValue(StartupMode.initial)
            .withDescription("Without state: initial (snapshot, then the WAL) or latest (only changes from now); PostgreSQL has no timestamp mode.");

    public static final ConfigOption<Duration> CONNECT_TIMEOUT = ConfigOptions.key("cdc.connect-timeout").durationType()
            .defaultValue(Duration.ofSeconds(30)).withDescription("Connect timeout to the source databases, at start and in the readers.");
    public static final ConfigOption<Integer> CONNECT_MAX_RETRIES = ConfigOptions.key("cdc.connect-max-retries").intType()
            .defaultValue(3).withDescription("Connection attempts of a reader before it fails (then the restart strategy applies).");

    public static List<ConfigOption<?>> all() {
        return List.of(MYSQL_HOSTNAME, MYSQL_PORT, MYSQL_DATABASE, MYSQL_USERNAME, MYSQL_PASSWORD_FILE, MYSQL_SERVER_ID,
                MYSQL_SERVER_TIME_ZONE, MYSQL_STARTUP_MODE, MYSQL_STARTUP_TIMESTAMP,
                POSTGRES_HOSTNAME, POSTGRES_PORT, POSTGRES_DATABASE, POSTGRES_SCHEMA, POSTGRES_USERNAME, POSTGRES_PASSWORD_FILE,
                POSTGRES_SLOT_NAME, POSTGRES_PUBLICATION, POSTGRES_SERVER_TIME_ZONE, POSTGRES_STARTUP_MODE,
                CONNECT_TIMEOUT, CONNECT_MAX_RETRIES);
    }
}
