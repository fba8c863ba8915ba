package org.dataloop.laketodoris.testing;

import java.time.LocalDate;
import java.util.List;

import org.apache.fluss.client.Connection;
import org.apache.fluss.client.ConnectionFactory;
import org.apache.fluss.client.table.Table;
import org.apache.fluss.client.table.writer.UpsertWriter;
import org.apache.fluss.config.Configuration;
import org.apache.fluss.metadata.TablePath;
import org.apache.paimon.data.BinaryString;
import org.apache.paimon.data.GenericRow;
import org.apache.paimon.table.sink.StreamTableCommit;
import org.apache.paimon.table.sink.StreamTableWrite;
import org.apache.paimon.table.sink.StreamWriteBuilder;
import org.apache.paimon.types.RowKind;

import org.dataloop.common.io.FlussTables;
import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.io.TableDef;

/**
 * Writes changelog rows into the upstream stores the way the upstream jobs do: Paimon tables created from the
 * TableDef by common's {@link PaimonTables} (so with their changelog producer), Fluss tables by {@link FlussTables}.
 */
public final class Upstream {
    private Upstream() {}

    /** A change: its kind ({@code +I}, {@code -U}, {@code +U}, {@code -D}) and values in column order. */
    public record Change(String op, Object[] values) {
        public static Change of(String op, Object... values) {
            return new Change(op, values);
        }
    }

    /** Creates the lake table if missing and commits the changes as one snapshot. */
    public static void lake(PaimonTables lake, TableDef<?> def, List<Change> changes) throws Exception {
        var table = lake.ensureTable(def, def.defaultName());
        StreamWriteBuilder builder = table.newStreamWriteBuilder();
        try (StreamTableWrite write = builder.newWrite(); StreamTableCommit commit = builder.newCommit()) {
            for (Change c : changes) {
                Object[] v = new Object[c.values().length];
                for (int i = 0; i < v.length; i++) v[i] = paimon(def.columns().get(i).type(), c.values()[i]);
                write.write(GenericRow.ofKind(RowKind.fromShortString(c.op()), v));
            }
            commit.commit(1, write.prepareCommit(false, 1));
        }
    }

    /** Creates the Fluss table if missing and upserts ({@code +I}/{@code +U}) or deletes ({@code -D}) the rows. */
    public static void fluss(String servers, String database, TableDef<?> def, List<Change> changes) throws Exception {
        FlussTables.createIfMissing(servers, database, def.defaultName(), def, 1);
        Configuration conf = new Configuration();
        conf.setString("bootstrap.servers", servers);
        try (Connection connection = ConnectionFactory.createConnection(conf);
                Table table = connection.getTable(TablePath.of(database, def.defaultName()))) {
            UpsertWriter writer = table.newUpsert().createWriter();
            for (Change c : changes) {
                org.apache.fluss.row.GenericRow row = new org.apache.fluss.row.GenericRow(c.values().length);
                for (int i = 0; i < c.values().length; i++) row.setField(i, fluss(def.columns().get(i).type(), c.values()[i]));
                if (c.op().equals("-D")) writer.delete(row).get();
                else writer.upsert(row).get();
            }
            writer.flush();
        }
    }

    /**
     * As {@link #fluss}, for many rows of distinct keys: the writes are not awaited one by one (a round trip each) but
     * flushed together, then every write's result is checked.
     */
    public static void flussBulk(String servers, String database, TableDef<?> def, List<Change> changes) throws Exception {
        FlussTables.createIfMissing(servers, database, def.defaultName(), def, 1);
        Configuration conf = new Configuration();
        conf.setString("bootstrap.servers", servers);
        try (Connection connection = ConnectionFactory.createConnection(conf);
                Table table = connection.getTable(TablePath.of(database, def.defaultName()))) {
            UpsertWriter writer = table.newUpsert().createWriter();
            List<java.util.concurrent.CompletableFuture<?>> results = new java.util.ArrayList<>(changes.size());
            for (Change c : changes) {
                org.apache.fluss.row.GenericRow row = new org.apache.fluss.row.GenericRow(c.values().length);
                for (int i = 0; i < c.values().length; i++) row.setField(i, fluss(def.columns().get(i).type(), c.values()[i]));
                results.add(c.op().equals("-D") ? writer.delete(row) : writer.upsert(row));
            }
            writer.flush();
            java.util.concurrent.CompletableFuture.allOf(results.toArray(java.util.concurrent.CompletableFuture[]::new)).get();
        }
    }

    private static Object paimon(org.dataloop.common.io.ColumnType type, Object v) {
        if (v == null) return null;
        return switch (type) {
            case STRING -> BinaryString.fromString((String) v);
            case DATE -> (int) LocalDate.parse((String) v).toEpochDay();
            case BIGINT -> ((Number) v).longValue();
            case INT -> ((Number) v).intValue();
            case DOUBLE -> ((Number) v).doubleValue();
            case BOOLEAN -> v;
        };
    }

    private static Object fluss(org.dataloop.common.io.ColumnType type, Object v) {
        if (v == null) return null;
        return switch (type) {
            case STRING -> org.apache.fluss.row.BinaryString.fromString((String) v);
            case DATE -> (int) LocalDate.parse((String) v).toEpochDay();
            case BIGINT -> ((Number) v).longValue();
            case INT -> ((Number) v).intValue();
            case DOUBLE -> ((Number) v).doubleValue();
            case BOOLEAN -> v;
        };
    }
}
