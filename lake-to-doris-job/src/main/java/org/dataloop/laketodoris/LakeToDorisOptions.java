package org.dataloop.laketodoris;

import java.time.Duration;
import java.util.List;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/** The options of lake-to-doris-job. The Doris password is no option: see {@link DorisPassword}. */
public final class LakeToDorisOptions {
    private LakeToDorisOptions() {}

    public enum LakeScan {
        /** The table's current rows, then every change after them. */
        latest_full,
        /** Only the changes committed after the job starts. */
        latest,
        /** The changes from {@code lake.scan.snapshot-id} on. */
        from_snapshot,
        /** The rows at {@code lake.scan.snapshot-id}, then every change after it. */
        from_snapshot_full
    }

    public enum FlussScan { full, earliest, latest }

    public static final ConfigOption<List<String>> TABLES = ConfigOptions.key("doris.tables").stringType().asList()
            .defaultValues(SyncedTable.ids().toArray(String[]::new))
            .withDescription("Tables to sync, by their default names (" + String.join(";", SyncedTable.ids())
                    + "), separated by ';'. Renamed tables keep their ids here and take their names from --table.<id>.");
    public static final ConfigOption<String> FENODES = ConfigOptions.key("doris.fenodes").stringType().noDefaultValue()
            .withDescription("Doris FE HTTP address(es), host:http_port[,host:http_port]. Required.");
    public static final ConfigOption<String> BENODES = ConfigOptions.key("doris.benodes").stringType().noDefaultValue()
            .withDescription("Doris BE HTTP address(es) to load into directly; unset asks the FE (see doris.auto-redirect).");
    public static final ConfigOption<Boolean> AUTO_REDIRECT = ConfigOptions.key("doris.auto-redirect").booleanType()
            .defaultValue(true)
            .withDescription("Send loads to the FE, which redirects them to a BE; false asks the FE for the live BEs and loads into them.");
    public static final ConfigOption<String> DATABASE = ConfigOptions.key("doris.database").stringType().defaultValue("dataloop")
            .withDescription("Doris database of the tables.");
    public static final ConfigOption<String> USER = ConfigOptions.key("doris.user").stringType().defaultValue("root")
            .withDescription("Doris user (needs LOAD on the tables; --apply-ddl also CREATE).");
    public static final ConfigOption<String> PASSWORD_FILE = ConfigOptions.key("doris.password-file").stringType().noDefaultValue()
            .withDescription("File holding the Doris password (e.g. a mounted Secret); unset reads the environment variable of doris.password-env.");
    public static final ConfigOption<String> PASSWORD_ENV = ConfigOptions.key("doris.password-env").stringType()
            .defaultValue("DORIS_PASSWORD")
            .withDescription("Environment variable holding the Doris password when doris.password-file is unset (neither: the job does not start).");
    public static final ConfigOption<String> LABEL_PREFIX = ConfigOptions.key("doris.label-prefix").stringType()
            .defaultValue("dataloop-lake-to-doris")
            .withDescription("Base of the stream-load labels. A start without state loads under <this>-<start id>-<table id>"
                    + " (start id: the UTC time the job was submitted, yyyyMMddHHmmssSSS), so it never meets the labels of an"
                    + " earlier deployment; a restore from a checkpoint or savepoint keeps the prefix stored in its state."
                    + " Use a different base per deployment writing the same Doris database.");
    public static final ConfigOption<Integer> MAX_RETRIES = ConfigOptions.key("doris.max-retries").intType().defaultValue(3)
            .withDescription("Retries of a failed transaction commit before the job fails (a refused load fails the"
                    + " attempt at once and the job restarts per restart.attempts).");
    public static final ConfigOption<MemorySize> BUFFER_SIZE = ConfigOptions.key("doris.buffer-size").memoryType()
            .defaultValue(MemorySize.parse("1mb")).withDescription("Size of each buffer of the streaming load.");
    public static final ConfigOption<Integer> BUFFER_COUNT = ConfigOptions.key("doris.buffer-count").intType().defaultValue(3)
            .withDescription("Buffers of the streaming load (at least 2).");
    public static final ConfigOption<Duration> CHECK_INTERVAL = ConfigOptions.key("doris.check-interval").durationType()
            .defaultValue(Duration.ofSeconds(10)).withDescription("How often the writer checks its running load for errors.");
    public static final ConfigOption<Integer> SINK_PARALLELISM = ConfigOptions.key("doris.sink-parallelism").intType()
            .defaultValue(-1).withDescription("Parallelism of each Doris sink; -1 uses the job's.");

    public static final ConfigOption<LakeScan> LAKE_SCAN = ConfigOptions.key("lake.scan.mode").enumType(LakeScan.class)
            .defaultValue(LakeScan.latest_full)
            .withDescription("Where a job without state starts reading the lake tables: latest_full, latest, from_snapshot, from_snapshot_full.");
    public static final ConfigOption<Long> LAKE_SNAPSHOT = ConfigOptions.key("lake.scan.snapshot-id").longType().noDefaultValue()
            .withDescription("Snapshot id of lake.scan.mode from_snapshot / from_snapshot_full.");
    public static final ConfigOption<FlussScan> FLUSS_SCAN = ConfigOptions.key("fluss.scan.startup-mode").enumType(FlussScan.class)
            .defaultValue(FlussScan.full)
            .withDescription("Where a job without state starts reading Fluss: full (snapshot, then changes), earliest, latest.");

    public static final ConfigOption<String> JDBC_URL = ConfigOptions.key("doris.jdbc-url").stringType().noDefaultValue()
            .withDescription("--apply-ddl: JDBC URL of the FE's MySQL protocol port; default jdbc:mysql://<first FE host>:9030/.");
    public static final ConfigOption<Integer> DDL_REPLICATION = ConfigOptions.key("doris.ddl.replication-num").intType()
            .defaultValue(3).withDescription("--apply-ddl: replicas of each tablet (${replication_num}).");
    public static final ConfigOption<Integer> DDL_BUCKETS = ConfigOptions.key("doris.ddl.buckets").intType().defaultValue(8)
            .withDescription("--apply-ddl: hash buckets per partition (${buckets}).");
    public static final ConfigOption<Integer> DDL_HISTORY_DAYS = ConfigOptions.key("doris.ddl.history-days").intType()
            .defaultValue(730).withDescription("--apply-ddl: daily partitions kept before today (${history_days}); older ones are dropped.");

    public static List<ConfigOption<?>> all() {
        return List.of(TABLES, FENODES, BENODES, AUTO_REDIRECT, DATABASE, USER, PASSWORD_FILE, PASSWORD_ENV, LABEL_PREFIX,
                MAX_RETRIES, BUFFER_SIZE, BUFFER_COUNT, CHECK_INTERVAL, SINK_PARALLELISM, LAKE_SCAN, LAKE_SNAPSHOT, FLUSS_SCAN,
                JDBC_URL, DDL_REPLICATION, DDL_BUCKETS, DDL_HISTORY_DAYS);
    }
}
