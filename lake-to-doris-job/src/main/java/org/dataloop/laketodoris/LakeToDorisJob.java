package org.dataloop.laketodoris;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.doris.flink.cfg.DorisReadOptions;
import org.apache.doris.flink.sink.DorisSink;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.fluss.client.Connection;
import org.apache.fluss.client.ConnectionFactory;
import org.apache.fluss.client.initializer.OffsetsInitializer;
import org.apache.fluss.flink.source.FlussSource;
import org.apache.fluss.flink.source.deserializer.RowDataDeserializationSchema;
import org.apache.fluss.metadata.TablePath;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.flink.source.FlinkSourceBuilder;
import org.apache.paimon.table.Table;

import org.dataloop.common.config.CommonOptions;
import org.dataloop.common.config.JobOptions;
import org.dataloop.common.config.OptionsException;
import org.dataloop.common.config.Secrets;
import org.dataloop.common.event.DeadLetter;
import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.io.TableDef;
import org.dataloop.common.ops.CountRows;
import org.dataloop.common.parse.RecordParser;
import org.dataloop.common.runtime.JobDefinition;
import org.dataloop.common.runtime.JobIO;
import org.dataloop.common.runtime.JobRunner;

/**
 * lake-to-doris-job: the changelogs of the lake tables {@code dws_daily_auto_rate}, {@code dws_daily_mps_mpd},
 * {@code dwd_case_detail} (Paimon streaming reads) and of the Fluss table {@code realtime_metrics} → JSON lines with
 * {@code __DORIS_DELETE_SIGN__} → one {@link DorisSink} per table (JSON stream load, two-phase commit at every
 * checkpoint) into Doris UNIQUE KEY tables of the same names. {@code --apply-ddl} creates those tables instead.
 */
public final class LakeToDorisJob implements JobDefinition {
    public static final String NAME = "lake-to-doris-job";

    /** Where each table's changelog comes from; tests may read other sources. */
    @FunctionalInterface
    public interface Sources {
        DataStream<RowData> open(SyncedTable table);
    }

    /** The sink of each table's JSON lines. */
    @FunctionalInterface
    public interface Sinks {
        Sink<String> create(SyncedTable table);
    }

    /** The sources and sinks of a run; tests swap them. */
    public interface Connectors {
        Sources sources(StreamExecutionEnvironment env, JobOptions options);

        Sinks sinks(JobOptions options);
    }

    /**
     * The production connectors: Paimon and Fluss changelogs, DorisSink with the password of {@link DorisPassword}; one
     * start id per job build for the label prefixes of a start without state ({@link LabelledDorisSink}).
     */
    public static final Connectors REAL = new Connectors() {
        @Override
        public Sources sources(StreamExecutionEnvironment env, JobOptions options) {
            return table -> table.fromFluss() ? flussSource(env, options, table) : lakeSource(env, options, table);
        }

        @Override
        public Sinks sinks(JobOptions options) {
            DorisPassword.resolve(options); // a missing password stops the job here; the sinks read it on the task managers
            Secrets.Source password = DorisPassword.source(options);
            String startId = LabelledDorisSink.newStartId();
            return table -> dorisSink(options, table, password, startId);
        }
    };

    private final Connectors connectors;

    public LakeToDorisJob() {
        this(REAL);
    }

    public LakeToDorisJob(Connectors connectors) {
        this.connectors = connectors;
    }

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains(ApplyDdl.FLAG) || Arrays.asList(args).contains(ApplyDdl.PRINT_FLAG)) {
            int code = ApplyDdl.run(new LakeToDorisJob(), args, System.out, System.err);
            if (code != 0) System.exit(code);
            return;
        }
        JobRunner.main(new LakeToDorisJob(), args);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "Lake tables (dws_daily_auto_rate, dws_daily_mps_mpd, dwd_case_detail) and Fluss realtime_metrics into Doris\n"
                + "UNIQUE KEY tables of the same names, exactly once (stream load with two-phase commit at each checkpoint).\n"
                + "With --apply-ddl it creates the Doris database, tables and ADS views instead (over the MySQL protocol port).";
    }

    @Override
    public List<RecordParser<?>> streams() {
        return List.of();
    }

    /** The synced tables: their {@code --table.<name>} options name both the upstream and the Doris table. */
    @Override
    public List<TableDef<?>> outputs() {
        return SyncedTable.ALL.stream().<TableDef<?>>map(SyncedTable::def).toList();
    }

    @Override
    public List<ConfigOption<?>> options() {
        return LakeToDorisOptions.all();
    }

    @Override
    public void defineWorkflow(JobIO io, JobOptions options) {
        for (DataStream<DeadLetter> refused : wire(selectedTables(options), connectors.sources(io.env(), options), connectors.sinks(options), options)) {
            io.deadLetters(refused);
        }
    }

    /**
     * The pipeline: each table's changelog → JSON lines ({@code -U} dropped) → counted → its Doris sink. Returns the rows
     * Doris would refuse, as dead letters.
     */
    public static List<DataStream<DeadLetter>> wire(List<SyncedTable> tables, Sources sources, Sinks sinks, JobOptions options) {
        int sinkParallelism = options.get(LakeToDorisOptions.SINK_PARALLELISM);
        Map<String, DdlScript.CreateTable> ddl = DdlScript.tables(ApplyDdl.variables(options));
        List<DataStream<DeadLetter>> refused = new ArrayList<>();
        for (SyncedTable table : tables) {
            String id = table.id();
            DataStream<RowData> changes = sources.open(table);
            DorisRefusals refusals = new DorisRefusals(ddl.get(id), options.get(LakeToDorisOptions.DDL_HISTORY_DAYS), options.zone());
            SingleOutputStreamOperator<String> json = changes
                    .process(new DorisRows.ToJsonLines(options.job(), table, refusals), Types.STRING)
                    .uid("to-json-" + id).name("to Doris JSON " + id);
            refused.add(json.getSideOutput(DorisRows.ToJsonLines.REFUSED));
            DataStream<String> lines = json;
            // each upstream row's changes go to one sink subtask, in order: the lake source runs at its own parallelism
            // (one subtask per bucket), the sink at the job's or --doris.sink-parallelism, and rows spread round-robin
            // over sink subtasks would commit in any order within a checkpoint
            lines = lines.keyBy(new DorisRows.UpstreamKey(table), Types.STRING);
            SingleOutputStreamOperator<String> counted = lines
                    .map(new CountRows<String>(id)).returns(Types.STRING)
                    .uid("count-" + id).name("count " + id);
            DataStreamSink<String> sink = counted.sinkTo(sinks.create(table))
                    .uid("doris-" + id).name("Doris " + options.get(LakeToDorisOptions.DATABASE) + "." + tableName(options, table));
            if (sinkParallelism > 0) {
                counted.setParallelism(sinkParallelism);
                sink.setParallelism(sinkParallelism);
            }
        }
        return refused;
    }

    /** The tables of {@code --doris.tables}, each once, in the given order. */
    public static List<SyncedTable> selectedTables(JobOptions options) {
        List<SyncedTable> out = new ArrayList<>();
        for (String id : options.get(LakeToDorisOptions.TABLES)) {
            SyncedTable t = SyncedTable.byId(id.trim());
            if (t == null) {
                throw new OptionsException("bad value for --" + LakeToDorisOptions.TABLES.key() + ": unknown table '" + id.trim()
                        + "' (tables: " + String.join(";", SyncedTable.ids()) + ")");
            }
            if (out.contains(t)) throw new OptionsException("--" + LakeToDorisOptions.TABLES.key() + " names " + id.trim() + " twice");
            out.add(t);
        }
        if (out.isEmpty()) throw new OptionsException("--" + LakeToDorisOptions.TABLES.key() + " names no table");
        return out;
    }

    /** The table's name upstream and in Doris: {@code --table.<id>}. */
    public static String tableName(JobOptions options, SyncedTable table) {
        return options.get(table.def().nameOption());
    }

    /**
     * The stream-load label prefix of a table in a start without state: {@code <doris.label-prefix>-<start id>-<table id>}.
     * A restore keeps the prefix in its state instead ({@link LabelledDorisSink}).
     */
    public static String labelPrefix(JobOptions options, String startId, SyncedTable table) {
        return LabelledDorisSink.prefix(options.get(LakeToDorisOptions.LABEL_PREFIX), startId, table.id());
    }

    /** The Paimon options of the streaming read: where to start, stable source uids. */
    static Map<String, String> lakeScanOptions(JobOptions options, SyncedTable table) {
        Map<String, String> o = new HashMap<>();
        LakeToDorisOptions.LakeScan mode = options.get(LakeToDorisOptions.LAKE_SCAN);
        o.put("scan.mode", mode.name().replace('_', '-'));
        if (mode == LakeToDorisOptions.LakeScan.from_snapshot || mode == LakeToDorisOptions.LakeScan.from_snapshot_full) {
            long id = options.getOptional(LakeToDorisOptions.LAKE_SNAPSHOT).orElseThrow(() -> new OptionsException(
                    "--" + LakeToDorisOptions.LAKE_SCAN.key() + " " + mode + " needs --" + LakeToDorisOptions.LAKE_SNAPSHOT.key()));
            o.put("scan.snapshot-id", Long.toString(id));
        }
        o.put("source.operator-uid.suffix", NAME + "-" + table.id());
        return o;
    }

    static DataStream<RowData> lakeSource(StreamExecutionEnvironment env, JobOptions options, SyncedTable table) {
        String name = tableName(options, table);
        PaimonTables lake = PaimonTables.fromOptions(options);
        Table paimon;
        try (Catalog catalog = lake.catalog()) {
            paimon = catalog.getTable(Identifier.create(lake.database(), name));
        } catch (Catalog.TableNotExistException e) {
            throw new OptionsException("lake table " + lake.database() + "." + name + " does not exist: start the job that writes it first");
        } catch (Exception e) {
            throw new IllegalStateException("cannot open lake table " + lake.database() + "." + name + ": " + e.getMessage(), e);
        }
        requireColumns("lake table " + lake.database() + "." + name, paimon.rowType().getFieldNames(), table.def());
        return new FlinkSourceBuilder(paimon.copy(lakeScanOptions(options, table)))
                .env(env)
                .sourceBounded(false)
                .sourceName("lake " + name)
                .build();
    }

    static DataStream<RowData> flussSource(StreamExecutionEnvironment env, JobOptions options, SyncedTable table) {
        String servers = options.getOptional(CommonOptions.FLUSS_BOOTSTRAP).orElseThrow(() -> new OptionsException(
                "--" + CommonOptions.FLUSS_BOOTSTRAP.key() + " is required to sync " + table.id()));
        String database = options.get(CommonOptions.FLUSS_DATABASE);
        String name = tableName(options, table);
        org.apache.fluss.config.Configuration conf = new org.apache.fluss.config.Configuration();
        conf.setString("bootstrap.servers", servers);
        List<String> columns;
        try (Connection connection = ConnectionFactory.createConnection(conf)) {
            columns = connection.getAdmin().getTableInfo(TablePath.of(database, name)).get().getRowType().getFieldNames();
        } catch (Exception e) {
            throw new OptionsException("Fluss table " + database + "." + name + " cannot be read (" + rootMessage(e)
                    + "): start the job that writes it first");
        }
        requireColumns("Fluss table " + database + "." + name, columns, table.def());
        OffsetsInitializer start = switch (options.get(LakeToDorisOptions.FLUSS_SCAN)) {
            case full -> OffsetsInitializer.full();
            case earliest -> OffsetsInitializer.earliest();
            case latest -> OffsetsInitializer.latest();
        };
        FlussSource<RowData> source = FlussSource.<RowData>builder()
                .setBootstrapServers(servers)
                .setDatabase(database)
                .setTable(name)
                .setStartingOffsets(start)
                .setDeserializationSchema(new RowDataDeserializationSchema())
                .build();
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "fluss " + name).uid("source-" + table.id());
    }

    /** The upstream table must have the columns of its TableDef, in order: rows are converted by position. */
    static void requireColumns(String what, List<String> actual, TableDef<?> def) {
        List<String> expected = def.columns().stream().map(TableDef.Column::name).toList();
        if (!actual.equals(expected)) {
            throw new IllegalStateException(what + " has columns " + actual + ", " + NAME + " expects " + expected
                    + " (the columns of " + def.defaultName() + ")");
        }
    }

    /** The stream-load properties: JSON lines. */
    static Properties streamLoadProperties() {
        Properties p = new Properties();
        p.setProperty("format", "json");
        p.setProperty("read_json_by_line", "true");
        return p;
    }

    /** The exactly-once Doris sink of one table, for a job built now (a new start id). */
    public static LabelledDorisSink dorisSink(JobOptions options, SyncedTable table, Secrets.Source password) {
        return dorisSink(options, table, password, LabelledDorisSink.newStartId());
    }

    /** The exactly-once Doris sink of one table; a start without state loads under the prefix of {@code startId}. */
    public static LabelledDorisSink dorisSink(JobOptions options, SyncedTable table, Secrets.Source password, String startId) {
        String fenodes = options.getOptional(LakeToDorisOptions.FENODES).orElseThrow(() -> new OptionsException(
                "--" + LakeToDorisOptions.FENODES.key() + " is required"));
        String database = options.get(LakeToDorisOptions.DATABASE);
        String name = tableName(options, table);
        org.apache.doris.flink.cfg.DorisOptions.Builder doris = org.apache.doris.flink.cfg.DorisOptions.builder()
                .setFenodes(fenodes)
                .setAutoRedirect(options.get(LakeToDorisOptions.AUTO_REDIRECT))
                .setTableIdentifier(database + "." + name)
                .setUsername(options.get(LakeToDorisOptions.USER))
                .setPassword(""); // read on the task managers: LabelledDorisSink
        options.getOptional(LakeToDorisOptions.BENODES).ifPresent(doris::setBenodes);
        int bufferCount = options.get(LakeToDorisOptions.BUFFER_COUNT);
        if (bufferCount < 2) throw new OptionsException("bad value for --" + LakeToDorisOptions.BUFFER_COUNT.key() + ": at least 2");
        String prefix = labelPrefix(options, startId, table);
        LabelledDorisSink.requireValidLabels(prefix, database, name, LakeToDorisOptions.LABEL_PREFIX.key());
        LabelledDorisSink.Loads loads = new LabelledDorisSink.Loads(streamLoadProperties(),
                options.get(LakeToDorisOptions.MAX_RETRIES),
                (int) options.get(LakeToDorisOptions.BUFFER_SIZE).getBytes(),
                bufferCount,
                (int) options.get(LakeToDorisOptions.CHECK_INTERVAL).toMillis());
        return new LabelledDorisSink(doris.build(), password, DorisReadOptions.builder().build(), loads, prefix);
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) e = e.getCause();
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
