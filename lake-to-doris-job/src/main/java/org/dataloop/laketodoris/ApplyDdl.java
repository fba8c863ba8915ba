package org.dataloop.laketodoris;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.config.OptionsException;
import org.dataloop.common.runtime.JobRunner;

/**
 * {@code lake-to-doris-job --apply-ddl [options]}: creates the Doris database, the synced tables and the ADS views
 * (statements {@code IF NOT EXISTS}, so it can run before every deployment) over the FE's MySQL protocol port.
 * {@code --print-ddl} prints the statements instead.
 */
public final class ApplyDdl {
    public static final String FLAG = "--apply-ddl";
    /** Prints the statements (variables substituted) instead of running them, e.g. for a mysql client. */
    public static final String PRINT_FLAG = "--print-ddl";

    private ApplyDdl() {}

    /** @return 0 when every statement ran (or --help), 2 for bad options, 1 when Doris refused a statement */
    public static int run(LakeToDorisJob job, String[] args, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>();
        boolean print = false;
        for (String a : args) {
            if (a.equals(PRINT_FLAG)) print = true;
            else if (!a.equals(FLAG)) rest.add(a);
        }
        JobOptions options;
        try {
            options = JobRunner.parse(job, rest.toArray(String[]::new));
        } catch (OptionsException e) {
            err.println("error: " + job.name() + ": " + e.getMessage());
            return 2;
        }
        if (options.help()) {
            out.println("Usage: " + job.name() + " --apply-ddl [--doris.fenodes H:P | --doris.jdbc-url URL] [--doris.database DB]"
                    + " [--doris.user U] [--doris.ddl.replication-num N] [--doris.ddl.buckets N] [--doris.ddl.history-days N]");
            return 0;
        }
        List<String> statements;
        String url;
        Properties props;
        try {
            statements = DdlScript.statements(variables(options));
            if (print) {
                for (String sql : statements) out.println(sql + ";\n");
                return 0;
            }
            url = jdbcUrl(options);
            props = new Properties();
            props.setProperty("user", options.get(LakeToDorisOptions.USER));
            props.setProperty("password", DorisPassword.resolve(options));
        } catch (RuntimeException e) {
            err.println("error: " + job.name() + ": " + e.getMessage());
            return 2;
        }
        try (Connection c = DriverManager.getConnection(url, props); Statement st = c.createStatement()) {
            for (String sql : statements) {
                out.println("-- " + sql.lines().findFirst().orElse(sql));
                st.execute(sql);
            }
        } catch (SQLException e) {
            err.println("error: " + job.name() + ": Doris refused the DDL at " + url + ": " + e.getMessage());
            return 1;
        }
        out.println(statements.size() + " statements applied to " + url);
        return 0;
    }

    /** The DDL variables from the options. */
    public static Map<String, String> variables(JobOptions options) {
        return Map.of(
                "database", options.get(LakeToDorisOptions.DATABASE),
                "replication_num", positive(options, LakeToDorisOptions.DDL_REPLICATION),
                "buckets", positive(options, LakeToDorisOptions.DDL_BUCKETS),
                "history_days", positive(options, LakeToDorisOptions.DDL_HISTORY_DAYS),
                // the dynamic partitions follow the fleet's days, whatever the FE's time zone (DorisRefusals checks the same)
                "timezone", options.zone().getId());
    }

    private static String positive(JobOptions options, org.apache.flink.configuration.ConfigOption<Integer> o) {
        int v = options.get(o);
        if (v < 1) throw new OptionsException("bad value for --" + o.key() + ": " + v + " (must be at least 1)");
        return Integer.toString(v);
    }

    /** {@code doris.jdbc-url}, else the first FE's host on the MySQL protocol port 9030. */
    public static String jdbcUrl(JobOptions options) {
        return options.getOptional(LakeToDorisOptions.JDBC_URL).orElseGet(() -> {
            String fe = options.getOptional(LakeToDorisOptions.FENODES).orElseThrow(() -> new OptionsException(
                    "--apply-ddl needs --" + LakeToDorisOptions.JDBC_URL.key() + " or --" + LakeToDorisOptions.FENODES.key()));
            String first = fe.split(",")[0].trim();
            String host = first.contains(":") ? first.substring(0, first.lastIndexOf(':')) : first;
            return "jdbc:mysql://" + host + ":9030/?useSSL=false&allowPublicKeyRetrieval=true";
        });
    }
}
