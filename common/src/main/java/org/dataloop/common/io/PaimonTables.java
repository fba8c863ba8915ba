package org.dataloop.common.io;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.SchedulerExecutionMode;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.transformations.PartitionTransformation;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.types.RowKind;
import org.apache.paimon.CoreOptions;
import org.apache.paimon.Snapshot;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.data.BinaryString;
import org.apache.paimon.data.InternalRow;
import org.apache.paimon.flink.FlinkCatalogFactory;
import org.apache.paimon.flink.LogicalTypeConversion;
import org.apache.paimon.flink.sink.FlinkSinkBuilder;
import org.apache.paimon.options.Options;
import org.apache.paimon.predicate.Predicate;
import org.apache.paimon.predicate.PredicateBuilder;
import org.apache.paimon.reader.RecordReader;
import org.apache.paimon.schema.Schema;
import org.apache.paimon.table.Table;
import org.apache.paimon.table.source.ReadBuilder;
import org.apache.paimon.types.DataField;
import org.apache.paimon.types.DataType;
import org.apache.paimon.types.DataTypes;
import org.apache.paimon.types.RowType;

import org.dataloop.common.config.CommonOptions;
import org.dataloop.common.config.JobOptions;
import org.dataloop.common.config.OptionsException;

/** The lake: Paimon catalog, table creation from a {@link TableDef}, the exactly-once sink, and reading tables back. */
public final class PaimonTables implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, String> catalogOptions;
    private final String database;
    private final int buckets;

    public PaimonTables(Map<String, String> catalogOptions, String database, int buckets) {
        this.catalogOptions = Map.copyOf(catalogOptions);
        this.database = database;
        this.buckets = buckets;
    }

    public static PaimonTables fromOptions(JobOptions options) {
        String warehouse = options.getOptional(CommonOptions.PAIMON_WAREHOUSE)
                .orElseThrow(() -> new OptionsException("--paimon.warehouse is required to use the lake"));
        Map<String, String> catalog = new HashMap<>();
        options.getOptional(CommonOptions.PAIMON_CATALOG_OPTIONS_FILE).ifPresent(file -> {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(Path.of(file))) {
                p.load(r);
            } catch (IOException e) {
                throw new OptionsException("--paimon.catalog-options-file: cannot read " + file + ": " + e.getMessage());
            }
            for (String k : p.stringPropertyNames()) {
                if (isCredential(k)) {
                    throw new OptionsException("--paimon.catalog-options-file: " + k + " is a credential, which the job graph would "
                            + "carry: give the lake's S3 keys as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment "
                            + "(the chart does, from s3.credentialsSecret)");
                }
                if (k.startsWith("s3.") || k.startsWith("fs.")) {
                    throw new OptionsException("--paimon.catalog-options-file: " + k + " is a file system setting, which the lake takes "
                            + "from the Flink configuration (the chart's s3.*), as checkpoints do");
                }
                catalog.put(k, p.getProperty(k));
            }
        });
        catalog.put("warehouse", warehouse);
        catalog.put("cache-enabled", "false");
        return new PaimonTables(catalog, options.get(CommonOptions.PAIMON_DATABASE), options.get(CommonOptions.PAIMON_BUCKETS));
    }

    /**
     * A catalog of the warehouse. A scheme Paimon has no file system for (s3://) is served by Flink's file systems, as
     * checkpoints are: the image's S3 plugin, configured by the Flink configuration and keyed by AWS_ACCESS_KEY_ID /
     * AWS_SECRET_ACCESS_KEY from the environment.
     */
    public Catalog catalog() {
        return FlinkCatalogFactory.createPaimonCatalog(Options.fromMap(catalogOptions));
    }

    private static boolean isCredential(String key) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        return k.contains("access-key") || k.contains("access.key") || k.contains("accesskey") || k.contains("secret")
                || k.contains("password") || k.contains("session-token") || k.contains("session.token") || k.contains("account.key");
    }

    public String database() {
        return database;
    }

    /** Creates the database and table when missing; an existing table is left as it is. */
    public <T> Table ensureTable(TableDef<T> def, String name) {
        try (Catalog catalog = catalog()) {
            catalog.createDatabase(database, true);
            Schema.Builder schema = Schema.newBuilder();
            for (TableDef.Column<T> c : def.columns()) {
                schema.column(c.name(), c.nullable() ? paimonType(c.type()) : paimonType(c.type()).notNull());
            }
            schema.primaryKey(def.primaryKey());
            schema.partitionKeys(def.partitionKeys());
            // primary-key tables get fixed buckets; append-only ones (no key) stay unbucketed
            if (!def.primaryKey().isEmpty()) schema.option("bucket", String.valueOf(buckets));
            def.storeOptions().forEach(schema::option);
            Identifier id = Identifier.create(database, name);
            catalog.createTable(id, schema.build(), true);
            return catalog.getTable(id);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create lake table " + database + "." + name + ": " + e.getMessage(), e);
        }
    }

    /** Writes rows to the lake table; they become visible at each checkpoint (exactly once). */
    public <T> void sink(DataStream<T> rows, TableDef<T> def, String name, String job) {
        Table table = ensureTable(def, name);
        // rows are written by position: an existing table must have our columns, in our order
        List<String> tableColumns = table.rowType().getFieldNames();
        List<String> ourColumns = def.columns().stream().map(TableDef.Column::name).toList();
        if (!tableColumns.equals(ourColumns)) {
            throw new IllegalStateException("lake table " + database + "." + name + " has columns " + tableColumns
                    + ", the job writes " + ourColumns + ": migrate the table (ALTER TABLE) or write to a new one");
        }
        // stable operator uids of the Paimon writer and committer across upgrades
        table = table.copy(Map.of("sink.operator-uid.suffix", job + "-" + name));
        RowType paimonRow = table.rowType();
        DataStream<RowData> rowData = rows
                .map(new ToRowData<>(def))
                .returns(InternalTypeInfo.of(LogicalTypeConversion.toLogicalType(paimonRow)))
                .uid(job + "-" + name + "-to-rowdata")
                .name("to RowData: " + name);
        DataStreamSink<?> end = new FlinkSinkBuilder(table).forRowData(rowData).build();
        // Paimon adds operators without uids (a map before the writer, the "end" sink after the committer). Flink would
        // hash them from the graph's shape, which changes with the parallelism and the wiring: name them all.
        nameUnnamed(end.getTransformation(), rowData.getTransformation(), job + "-" + name + "-");
    }

    /**
     * Lets every Paimon global committer restore at any parallelism. Paimon runs a table's committer at parallelism 1
     * with its max parallelism pinned to 1, but chains it to the operator before it when the job runs at parallelism 1,
     * where its state is then recorded with that task's max parallelism: such a savepoint failed to restore at 2 ("Max
     * parallelism mismatch"), and one taken at 2 failed at 1. Here the committer always heads its own task, and an
     * unset max parallelism (on it and the sink after it) lets that task take the one its restored state was recorded
     * with; on a fresh start Flink derives 128. Needs Flink's default scheduler: the reactive mode would scale such a
     * task out, so it is refused.
     */
    public static void unpinCommitters(StreamGraph graph) {
        boolean reactive = graph.getJobConfiguration().get(JobManagerOptions.SCHEDULER_MODE) == SchedulerExecutionMode.REACTIVE;
        for (StreamNode node : graph.getStreamNodes()) {
            String uid = node.getTransformationUID();
            if (uid == null || !uid.startsWith(PAIMON_COMMITTER_UID_PREFIX)) continue;
            if (reactive) {
                throw new OptionsException("scheduler-mode: reactive would run Paimon's committers (one per table) in parallel: use the default scheduler");
            }
            node.getOperatorFactory().setChainingStrategy(ChainingStrategy.HEAD);
            graph.setMaxParallelism(node.getId(), JobVertex.MAX_PARALLELISM_DEFAULT);
            for (StreamEdge out : node.getOutEdges()) graph.setMaxParallelism(out.getTargetId(), JobVertex.MAX_PARALLELISM_DEFAULT);
        }
    }

    /** Paimon names its committer's uid {@code Global Committer_<table>_<sink.operator-uid.suffix>}. */
    private static final String PAIMON_COMMITTER_UID_PREFIX = "Global Committer_";

    private static void nameUnnamed(Transformation<?> t, Transformation<?> stopAt, String prefix) {
        if (t == stopAt) return;
        if (t.getUid() == null && !(t instanceof PartitionTransformation)) t.setUid(prefix + t.getName().replaceAll("[^A-Za-z0-9]+", "-").toLowerCase(java.util.Locale.ROOT));
        for (Transformation<?> input : t.getInputs()) nameUnnamed(input, stopAt, prefix);
    }

    /** Every row of a table at its latest snapshot, as column name → value (dates as yyyy-MM-dd, strings as String). */
    public List<Map<String, Object>> readAll(String name) {
        try (Catalog catalog = catalog()) {
            return rows(catalog.getTable(Identifier.create(database, name)), null);
        } catch (Catalog.TableNotExistException e) {
            throw new IllegalArgumentException("no lake table " + database + "." + name);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read lake table " + database + "." + name + ": " + e.getMessage(), e);
        }
    }

    /** Reads of one table by key, again and again: see {@link KeyedReads}. */
    public KeyedReads keyedReads(String name, String keyColumn) {
        return new KeyedReads(name, keyColumn);
    }

    /**
     * Reads of one table by a string key column, for a table too large to hold whole (a dimension such as dim_order),
     * through one catalog for its lifetime. Snapshot ids are 0 while the table or any snapshot of it does not exist.
     */
    public final class KeyedReads implements AutoCloseable {
        private final String name;
        private final String keyColumn;
        private final Catalog catalog;
        private Table table;

        private KeyedReads(String name, String keyColumn) {
            this.name = name;
            this.keyColumn = keyColumn;
            this.catalog = catalog();
        }

        private Table table() throws Catalog.TableNotExistException {
            if (table == null) table = catalog.getTable(Identifier.create(database, name));
            return table;
        }

        /** The id of the table's latest snapshot, 0 if none. */
        public long latestSnapshotId() {
            try {
                return table().latestSnapshot().map(Snapshot::id).orElse(0L);
            } catch (Catalog.TableNotExistException e) {
                return 0;
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot read the snapshots of lake table " + database + "." + name + ": " + e.getMessage(), e);
            }
        }

        /** The row of snapshot {@code snapshotId} with this key, or null: a read of the files whose statistics can hold it only. */
        public Map<String, Object> row(String key, long snapshotId) {
            if (snapshotId == 0) return null;
            try {
                Table at = table().copy(Map.of(CoreOptions.SCAN_SNAPSHOT_ID.key(), String.valueOf(snapshotId)));
                int index = at.rowType().getFieldNames().indexOf(keyColumn);
                List<Map<String, Object>> rows = rows(at, new PredicateBuilder(at.rowType()).equal(index, BinaryString.fromString(key)));
                // the filter only prunes files: rows of other keys can come with it
                return rows.stream().filter(r -> key.equals(r.get(keyColumn))).findFirst().orElse(null);
            } catch (Exception e) {
                throw new IllegalStateException("cannot read lake table " + database + "." + name + ": " + e.getMessage(), e);
            }
        }

        /**
         * The keys of the rows the snapshots after {@code after} up to {@code upTo} wrote (their deltas, deletes
         * included), or null when what they changed is unknown: one of them overwrote the table, or is gone (expired).
         */
        public Set<String> changedKeys(long after, long upTo) {
            try {
                Table t = table();
                for (long id = after + 1; id <= upTo; id++) {
                    if (t.snapshot(id).commitKind() == Snapshot.CommitKind.OVERWRITE) return null;
                }
                Set<String> keys = new HashSet<>();
                rows(t.copy(Map.of(CoreOptions.INCREMENTAL_BETWEEN.key(), after + "," + upTo)), null)
                        .forEach(r -> keys.add(String.valueOf(r.get(keyColumn))));
                return keys;
            } catch (Exception e) {
                return null;
            }
        }

        @Override
        public void close() throws Exception {
            catalog.close();
        }
    }

    /** The rows a scan of {@code table} (with the filter, if any) reads, as column name → value. */
    private static List<Map<String, Object>> rows(Table table, Predicate filter) throws Exception {
        ReadBuilder rb = table.newReadBuilder();
        if (filter != null) rb = rb.withFilter(filter);
        List<DataField> fields = table.rowType().getFields();
        List<InternalRow.FieldGetter> getters = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) getters.add(InternalRow.createFieldGetter(fields.get(i).type(), i));
        List<Map<String, Object>> out = new ArrayList<>();
        try (RecordReader<InternalRow> reader = rb.newRead().createReader(rb.newScan().plan())) {
            reader.forEachRemaining(row -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < fields.size(); i++) {
                    m.put(fields.get(i).name(), toJava(fields.get(i).type(), getters.get(i).getFieldOrNull(row)));
                }
                out.add(m);
            });
        }
        return out;
    }

    public boolean tableExists(String name) {
        try (Catalog catalog = catalog()) {
            catalog.getTable(Identifier.create(database, name));
            return true;
        } catch (Catalog.TableNotExistException e) {
            return false;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object toJava(DataType type, Object v) {
        if (v == null) return null;
        if (v instanceof BinaryString s) return s.toString();
        return switch (type.getTypeRoot()) {
            case DATE -> LocalDate.ofEpochDay((Integer) v).toString();
            default -> v;
        };
    }

    private static DataType paimonType(ColumnType t) {
        return switch (t) {
            case STRING -> DataTypes.STRING();
            case BIGINT -> DataTypes.BIGINT();
            case INT -> DataTypes.INT();
            case DOUBLE -> DataTypes.DOUBLE();
            case BOOLEAN -> DataTypes.BOOLEAN();
            case DATE -> DataTypes.DATE();
        };
    }

    /** Our row → Flink's internal RowData in column order, with the row's changelog kind. */
    static final class ToRowData<T> implements MapFunction<T, RowData> {
        private static final long serialVersionUID = 1L;
        private final TableDef<T> def;

        ToRowData(TableDef<T> def) {
            this.def = def;
        }

        @Override
        public RowData map(T row) {
            List<TableDef.Column<T>> columns = def.columns();
            GenericRowData out = new GenericRowData(rowKind(def.op(row)), columns.size());
            for (int i = 0; i < columns.size(); i++) {
                Object v = columns.get(i).getter().get(row);
                if (v == null) continue;
                out.setField(i, switch (columns.get(i).type()) {
                    case STRING -> StringData.fromString(v.toString());
                    case DATE -> TableDef.epochDay(v);
                    default -> v;
                });
            }
            return out;
        }

        static RowKind rowKind(String op) {
            return switch (op) {
                case "+U" -> RowKind.UPDATE_AFTER;
                case "-U" -> RowKind.UPDATE_BEFORE;
                case "-D" -> RowKind.DELETE;
                default -> RowKind.INSERT;
            };
        }
    }
}
