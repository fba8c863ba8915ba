package org.dataloop.cdcdim;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.flink.cdc.connectors.mysql.source.MySqlSource;
import org.apache.flink.cdc.connectors.postgres.source.PostgresSourceBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.config.OptionsException;
import org.dataloop.common.config.Secrets;
import org.dataloop.common.parse.Parsed;

import static org.dataloop.cdcdim.CdcOptions.*;

/**
 * The Flink CDC sources of the job, and a check of each database before the job is submitted: it must
 * accept the user, have its change log set up for CDC, and hold the tables, or the job does not start and
 * says why (host, port and user, never the password) instead of retrying in the background.
 */
public final class CdcSources {
    private static final Logger LOG = LoggerFactory.getLogger(CdcSources.class);

    private CdcSources() {}

    /**
     * Connection settings of one source database: where its password is (shipped to the sources) and the password
     * read here for the checks before the job is submitted.
     */
    public record Db(String kind, String host, int port, String database, String user, Secrets.Source passwordSource,
            String password, int timeoutSeconds) {
        /** For messages: never the password. */
        public String describe() {
            return kind + " at " + host + ":" + port + " (database " + database + ") as user '" + user + "'";
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    public static Db mysql(JobOptions o, Map<String, String> env) {
        String user = o.get(MYSQL_USERNAME);
        Secrets.Source pw = Passwords.source(o.getOptional(MYSQL_PASSWORD_FILE), MYSQL_PASSWORD_FILE.key(), Passwords.MYSQL_ENV,
                "MySQL user '" + user + "'");
        return new Db("MySQL", o.get(MYSQL_HOSTNAME), o.get(MYSQL_PORT), o.get(MYSQL_DATABASE), user, pw, pw.read(env), timeout(o));
    }

    public static Db postgres(JobOptions o, Map<String, String> env) {
        String user = o.get(POSTGRES_USERNAME);
        Secrets.Source pw = Passwords.source(o.getOptional(POSTGRES_PASSWORD_FILE), POSTGRES_PASSWORD_FILE.key(), Passwords.POSTGRES_ENV,
                "PostgreSQL user '" + user + "'");
        return new Db("PostgreSQL", o.get(POSTGRES_HOSTNAME), o.get(POSTGRES_PORT), o.get(POSTGRES_DATABASE), user, pw, pw.read(env), timeout(o));
    }

    private static int timeout(JobOptions o) {
        return (int) Math.max(1, o.get(CONNECT_TIMEOUT).toSeconds());
    }

    static ZoneId zone(JobOptions o, org.apache.flink.configuration.ConfigOption<String> option) {
        try {
            return ZoneId.of(o.get(option));
        } catch (RuntimeException e) {
            throw new OptionsException("bad value for --" + option.key() + ": '" + o.get(option) + "' (not a time zone id)");
        }
    }

    /** The MySQL source of {@link DimTables#of} MYSQL, reading with {@code serverIds.size()} readers at most. */
    public static MySqlSource<Parsed<DimRow>> mysqlSource(JobOptions o, Db db, ServerIdRange serverIds) {
        String zone = zone(o, MYSQL_SERVER_TIME_ZONE).getId();
        List<String> tables = new ArrayList<>();
        for (DimTable t : DimTables.of(DimTable.Source.MYSQL)) tables.add(db.database() + "." + t.sourceTable());
        PasswordOnTaskManagers.MySqlConfigs configs = new PasswordOnTaskManagers.MySqlConfigs(db.passwordSource());
        configs.hostname(db.host()).port(db.port())
                .databaseList(db.database())
                .tableList(tables.toArray(String[]::new))
                .username(db.user())
                .serverId(serverIds.toString())
                .serverTimeZone(zone)
                .startupOptions(mysqlStartup(o))
                .connectTimeout(o.get(CONNECT_TIMEOUT))
                .connectMaxRetries(o.get(CONNECT_MAX_RETRIES));
        return PasswordOnTaskManagers.mysqlSource(configs, new DimChangeDeserializer(o.job(), DimTables.of(DimTable.Source.MYSQL), zone));
    }

    static org.apache.flink.cdc.connectors.mysql.table.StartupOptions mysqlStartup(JobOptions o) {
        return switch (o.get(MYSQL_STARTUP_MODE)) {
            case initial -> org.apache.flink.cdc.connectors.mysql.table.StartupOptions.initial();
            case latest -> org.apache.flink.cdc.connectors.mysql.table.StartupOptions.latest();
            case timestamp -> org.apache.flink.cdc.connectors.mysql.table.StartupOptions.timestamp(startupTimestamp(o));
        };
    }

    static long startupTimestamp(JobOptions o) {
        String v = o.getOptional(MYSQL_STARTUP_TIMESTAMP).orElseThrow(() -> new OptionsException(
                "--" + MYSQL_STARTUP_MODE.key() + " timestamp needs --" + MYSQL_STARTUP_TIMESTAMP.key()));
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException notMillis) {
            try {
                return Instant.parse(v.trim()).toEpochMilli();
            } catch (RuntimeException e) {
                throw new OptionsException("bad value for --" + MYSQL_STARTUP_TIMESTAMP.key() + ": '" + v
                        + "' (epoch ms or an ISO-8601 instant such as 2026-11-20T00:00:00Z)");
            }
        }
    }

    /** The PostgreSQL source of {@link DimTables#of} POSTGRES (pgoutput, its own slot and publication). */
    public static PostgresSourceBuilder.PostgresIncrementalSource<Parsed<DimRow>> postgresSource(JobOptions o, Db db) {
        String zone = zone(o, POSTGRES_SERVER_TIME_ZONE).getId();
        String schema = o.get(POSTGRES_SCHEMA);
        List<String> tables = new ArrayList<>();
        for (DimTable t : DimTables.of(DimTable.Source.POSTGRES)) tables.add(schema + "." + t.sourceTable());
        Properties debezium = new Properties();
        debezium.setProperty("publication.name", o.get(POSTGRES_PUBLICATION));
        // a publication of exactly the captured tables, created by the connector when missing
        debezium.setProperty("publication.autocreate.mode", "filtered");
        org.apache.flink.cdc.connectors.base.options.StartupOptions startup = switch (o.get(POSTGRES_STARTUP_MODE)) {
            case initial -> org.apache.flink.cdc.connectors.base.options.StartupOptions.initial();
            case latest -> org.apache.flink.cdc.connectors.base.options.StartupOptions.latest();
            case timestamp -> throw new OptionsException("--" + POSTGRES_STARTUP_MODE.key()
                    + " timestamp is not supported: PostgreSQL logical replication cannot start at a time (use initial or latest)");
        };
        PasswordOnTaskManagers.PostgresConfigs configs = new PasswordOnTaskManagers.PostgresConfigs(db.passwordSource());
        configs.hostname(db.host());
        configs.port(db.port());
        configs.database(db.database());
        configs.schemaList(new String[] {schema});
        configs.tableList(tables.toArray(String[]::new));
        configs.username(db.user());
        configs.slotName(o.get(POSTGRES_SLOT_NAME));
        configs.decodingPluginName("pgoutput");
        configs.serverTimeZone(zone);
        configs.startupOptions(startup);
        configs.connectTimeout(o.get(CONNECT_TIMEOUT));
        configs.connectMaxRetries(o.get(CONNECT_MAX_RETRIES));
        configs.debeziumProperties(debezium);
        return PasswordOnTaskManagers.postgresSource(configs, new DimChangeDeserializer(o.job(), DimTables.of(DimTable.Source.POSTGRES), zone));
    }

    /** Connects to MySQL and checks the binlog settings and the tables; throws a one-line {@link OptionsException} otherwise. */
    public static void checkMysql(Db db, ZoneId serverZone) {
        String url = "jdbc:mysql://" + db.host() + ":" + db.port() + "/?connectTimeout=" + db.timeoutSeconds() * 1000
                + "&socketTimeout=" + db.timeoutSeconds() * 1000;
        try (Connection c = DriverManager.getConnection(url, db.user(), db.password()); Statement s = c.createStatement()) {
            List<String> problems = new ArrayList<>();
            expectVariable(s, "log_bin", "ON", problems);
            expectVariable(s, "binlog_format", "ROW", problems);
            expectVariable(s, "binlog_row_image", "FULL", problems);
            try (ResultSet rs = s.executeQuery("SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), NOW())")) {
                long serverOffset = rs.next() ? rs.getLong(1) : 0;
                long configured = serverZone.getRules().getOffset(Instant.now()).getTotalSeconds();
                // the connector refuses a zone whose offset differs from the server's, and would retry forever
                if (Math.abs(serverOffset - configured) > 60) {
                    problems.add("the server's time zone is UTC" + (serverOffset >= 0 ? "+" : "") + serverOffset / 3600.0 + "h, --"
                            + MYSQL_SERVER_TIME_ZONE.key() + " " + serverZone.getId() + " is not");
                }
            }
            Set<String> present = tables(c, "SELECT table_name FROM information_schema.tables WHERE table_schema = ?", db.database());
            for (DimTable t : DimTables.of(DimTable.Source.MYSQL)) {
                if (!present.contains(t.sourceTable())) problems.add("table " + db.database() + "." + t.sourceTable() + " does not exist or is not visible");
            }
            if (!problems.isEmpty()) throw new OptionsException(db.describe() + ": " + String.join("; ", problems));
            LOG.info("{}: connected, binlog ROW/FULL, tables present", db.describe());
        } catch (SQLException e) {
            throw new OptionsException("cannot connect to " + db.describe() + ": " + message(e));
        }
    }

    /** Connects to PostgreSQL and checks wal_level and the table; throws a one-line {@link OptionsException} otherwise. */
    public static void checkPostgres(Db db, String schema) {
        String url = "jdbc:postgresql://" + db.host() + ":" + db.port() + "/" + db.database() + "?connectTimeout=" + db.timeoutSeconds()
                + "&socketTimeout=" + db.timeoutSeconds();
        try (Connection c = DriverManager.getConnection(url, db.user(), db.password()); Statement s = c.createStatement()) {
            List<String> problems = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SHOW wal_level")) {
                String level = rs.next() ? rs.getString(1) : "?";
                if (!"logical".equalsIgnoreCase(level)) problems.add("wal_level is " + level + ", CDC needs logical");
            }
            Set<String> present = tables(c, "SELECT table_name FROM information_schema.tables WHERE table_schema = ?", schema);
            for (DimTable t : DimTables.of(DimTable.Source.POSTGRES)) {
                if (!present.contains(t.sourceTable())) problems.add("table " + schema + "." + t.sourceTable() + " does not exist or is not visible");
            }
            if (!problems.isEmpty()) throw new OptionsException(db.describe() + ": " + String.join("; ", problems));
            LOG.info("{}: connected, wal_level logical, tables present", db.describe());
        } catch (SQLException e) {
            throw new OptionsException("cannot connect to " + db.describe() + ": " + message(e));
        }
    }

    private static void expectVariable(Statement s, String name, String expected, List<String> problems) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES LIKE '" + name + "'")) {
            String v = rs.next() ? rs.getString(2) : "(unset)";
            if (!expected.equalsIgnoreCase(v)) problems.add(name + " is " + v + ", CDC needs " + expected);
        }
    }

    private static Set<String> tables(Connection c, String sql, String container) throws SQLException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, container);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** The driver's first line plus the innermost cause (e.g. "Connection refused"); drivers never put the password in. */
    static String message(Throwable e) {
        String first = firstLine(e.getMessage());
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String rootMsg = root == e ? null : firstLine(root.getMessage());
        return rootMsg == null || first.contains(rootMsg) ? first : first + " (" + rootMsg + ")";
    }

    private static String firstLine(String m) {
        return m == null ? "" : m.lines().findFirst().orElse("").trim();
    }
}
