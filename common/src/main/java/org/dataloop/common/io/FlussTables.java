package org.dataloop.common.io;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.fluss.client.Connection;
import org.apache.fluss.client.ConnectionFactory;
import org.apache.fluss.client.admin.Admin;
import org.apache.fluss.client.lookup.LookupResult;
import org.apache.fluss.client.lookup.Lookuper;
import org.apache.fluss.client.table.Table;
import org.apache.fluss.config.Configuration;
import org.apache.fluss.flink.row.OperationType;
import org.apache.fluss.flink.row.RowWithOp;
import org.apache.fluss.flink.sink.FlussSink;
import org.apache.fluss.flink.sink.serializer.FlussSerializationSchema;
import org.apache.fluss.metadata.DatabaseDescriptor;
import org.apache.fluss.metadata.Schema;
import org.apache.fluss.metadata.TableDescriptor;
import org.apache.fluss.metadata.TablePath;
import org.apache.fluss.row.BinaryString;
import org.apache.fluss.row.GenericRow;
import org.apache.fluss.row.InternalRow;
import org.apache.fluss.types.DataType;
import org.apache.fluss.types.DataTypes;
import org.apache.fluss.types.RowType;

/**
 * Fluss primary-key tables described by a {@link TableDef}: creating them, writing a stream of rows into one
 * (upserts and deletes) and looking rows up by key.
 */
public final class FlussTables {

    private FlussTables() {}

    /** Creates the database and the primary-key table unless they exist; an existing table is left as it is. */
    public static void createIfMissing(String bootstrapServers, String database, String table, TableDef<?> def,
            int buckets) {
        requireFlussTable(def);
        TableDescriptor descriptor = TableDescriptor.builder()
                .schema(schema(def))
                .distributedBy(buckets) // bucket key defaults to the primary key
                .properties(def.storeOptions())
                .build();
        try (Connection connection = connect(bootstrapServers); Admin admin = connection.getAdmin()) {
            join(admin.createDatabase(database, DatabaseDescriptor.EMPTY, true));
            join(admin.createTable(TablePath.of(database, table), descriptor, true));
        } catch (Exception e) {
            throw new IllegalStateException("cannot create Fluss table " + database + "." + table, e);
        }
    }

    /** The Fluss schema of the table: our columns in order, their nullability and the primary key. */
    public static Schema schema(TableDef<?> def) {
        Schema.Builder schema = Schema.newBuilder();
        for (TableDef.Column<?> c : def.columns()) schema.column(c.name(), flussType(c.type()).copy(c.nullable()));
        return schema.primaryKey(def.primaryKey()).build();
    }

    /**
     * Writes the rows into an existing Fluss primary-key table (see {@link #createIfMissing}): {@code +I} and
     * {@code +U} upsert, {@code -D} deletes, {@code -U} is skipped (the following {@code +U} overwrites).
     * Writes are flushed on every checkpoint.
     */
    public static <T> DataStreamSink<T> sink(DataStream<T> rows, TableDef<T> def, String bootstrapServers,
            String database, String tableName, String uidPrefix) {
        requireFlussTable(def);
        // build() reads the table's metadata, so the table must already exist
        FlussSink<T> sink = FlussSink.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setDatabase(database)
                .setTable(tableName)
                .setSerializationSchema(new RowSerializer<>(def))
                .build();
        return rows.sinkTo(sink)
                .uid(uidPrefix + "-fluss-sink")
                .name("Fluss " + database + "." + tableName);
    }

    /**
     * Looks rows up by primary key. {@code keys} hold the primary-key values in primary-key order, as plain Java
     * values (DATE as yyyy-MM-dd). Returns one entry per key, in order: the row as column name to value (same
     * conventions as {@link TableDef#values}), or {@code null} when the key is absent.
     */
    public static List<Map<String, Object>> lookup(String bootstrapServers, String database, String table,
            TableDef<?> def, List<Object[]> keys) {
        try (Connection connection = connect(bootstrapServers);
                Table t = connection.getTable(TablePath.of(database, table))) {
            Lookuper lookuper = t.newLookup().createLookuper();
            // a single lookup waits ~100 ms for its batch: send them all, then wait once
            List<CompletableFuture<LookupResult>> pending = new ArrayList<>();
            for (Object[] key : keys) pending.add(lookuper.lookup(keyRow(def, key)));
            RowType rowType = t.getTableInfo().getRowType();
            List<Map<String, Object>> out = new ArrayList<>();
            for (CompletableFuture<LookupResult> f : pending) {
                InternalRow row = join(f).getSingletonRow();
                out.add(row == null ? null : toMap(def, rowType, row));
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("cannot look up Fluss table " + database + "." + table, e);
        }
    }

    /** Turns our rows into Fluss rows with the upsert/delete kind; holds only the Serializable TableDef. */
    static final class RowSerializer<T> implements FlussSerializationSchema<T> {
        private static final long serialVersionUID = 1L;

        private final TableDef<T> def;

        RowSerializer(TableDef<T> def) {
            this.def = def;
        }

        @Override
        public void open(InitializationContext context) {
            // rows are written by position: the table's columns must be ours, in our order
            List<String> tableColumns = context.getRowSchema().getFieldNames();
            List<String> ourColumns = def.columns().stream().map(TableDef.Column::name).toList();
            if (!tableColumns.equals(ourColumns)) {
                throw new IllegalStateException("Fluss table columns " + tableColumns + " differ from "
                        + def.defaultName() + "'s " + ourColumns);
            }
        }

        @Override
        public RowWithOp serialize(T value) {
            Object[] values = def.values(value);
            GenericRow row = new GenericRow(values.length);
            for (int i = 0; i < values.length; i++) row.setField(i, toFluss(def.columns().get(i).type(), values[i]));
            return new RowWithOp(row, operation(def.op(value)));
        }

        private static OperationType operation(String op) {
            return switch (op) {
                case "+I", "+U" -> OperationType.UPSERT;
                case "-D" -> OperationType.DELETE;
                // the writer drops IGNORE rows; the -U's +U carries the new state
                case "-U" -> OperationType.IGNORE;
                default -> throw new IllegalArgumentException("unknown row kind " + op);
            };
        }
    }

    private static DataType flussType(ColumnType type) {
        return switch (type) {
            case STRING -> DataTypes.STRING();
            case BIGINT -> DataTypes.BIGINT();
            case INT -> DataTypes.INT();
            case DOUBLE -> DataTypes.DOUBLE();
            case BOOLEAN -> DataTypes.BOOLEAN();
            case DATE -> DataTypes.DATE();
        };
    }

    /** A plain Java value as Fluss's internal one (strings as BinaryString, dates as epoch days). */
    private static Object toFluss(ColumnType type, Object value) {
        if (value == null) return null;
        return switch (type) {
            case STRING -> BinaryString.fromString((String) value);
            case BIGINT -> ((Number) value).longValue();
            case INT -> ((Number) value).intValue();
            case DOUBLE -> ((Number) value).doubleValue();
            case BOOLEAN -> (Boolean) value;
            case DATE -> TableDef.epochDay(value);
        };
    }

    private static Object fromFluss(ColumnType type, InternalRow row, int pos) {
        if (row.isNullAt(pos)) return null;
        return switch (type) {
            case STRING -> row.getString(pos).toString();
            case BIGINT -> row.getLong(pos);
            case INT -> row.getInt(pos);
            case DOUBLE -> row.getDouble(pos);
            case BOOLEAN -> row.getBoolean(pos);
            case DATE -> LocalDate.ofEpochDay(row.getInt(pos)).toString();
        };
    }

    private static GenericRow keyRow(TableDef<?> def, Object[] key) {
        List<String> pk = def.primaryKey();
        if (key.length != pk.size()) {
            throw new IllegalArgumentException("a key of " + def.defaultName() + " has " + pk.size() + " values " + pk);
        }
        GenericRow row = new GenericRow(key.length);
        for (int i = 0; i < key.length; i++) row.setField(i, toFluss(def.column(pk.get(i)).type(), key[i]));
        return row;
    }

    private static Map<String, Object> toMap(TableDef<?> def, RowType rowType, InternalRow row) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (TableDef.Column<?> c : def.columns()) {
            out.put(c.name(), fromFluss(c.type(), row, rowType.getFieldIndex(c.name())));
        }
        return out;
    }

    private static void requireFlussTable(TableDef<?> def) {
        if (def.store() != TableDef.Store.FLUSS) {
            throw new IllegalArgumentException(def.defaultName() + " is a " + def.store() + " table, not a Fluss one");
        }
        if (def.primaryKey().isEmpty()) {
            throw new IllegalArgumentException(def.defaultName() + " has no primary key");
        }
        // partitioned Fluss tables need partition management we do not do
        if (!def.partitionKeys().isEmpty()) {
            throw new IllegalArgumentException(def.defaultName() + " is partitioned: not supported for Fluss");
        }
    }

    private static Connection connect(String bootstrapServers) {
        Configuration conf = new Configuration();
        conf.setString("bootstrap.servers", bootstrapServers);
        return ConnectionFactory.createConnection(conf);
    }

    /** Waits for a Fluss future, rethrowing its own failure rather than a wrapper. */
    private static <V> V join(CompletableFuture<V> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }
}
