package org.dataloop.common.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.data.BinaryString;
import org.apache.paimon.data.GenericRow;
import org.apache.paimon.schema.Schema;
import org.apache.paimon.table.Table;
import org.apache.paimon.table.sink.BatchTableCommit;
import org.apache.paimon.table.sink.BatchTableWrite;
import org.apache.paimon.table.sink.BatchWriteBuilder;
import org.apache.paimon.types.DataTypes;
import org.apache.paimon.types.RowKind;

import org.dataloop.common.io.PaimonTables;

/** Writes small all-STRING tables (e.g. dimension rows) into a test warehouse, the way cdc-dim-job would. */
public final class LakeFixtures {
    private LakeFixtures() {}

    /** Creates the table if missing and upserts the rows in one commit. */
    public static void upsert(PaimonTables lake, String table, List<String> columns, List<String> primaryKey,
            List<Map<String, String>> rows) throws Exception {
        write(lake, table, columns, primaryKey, rows, RowKind.INSERT);
    }

    /** Deletes the rows (by their primary key) in one commit, as a delete at the source would. */
    public static void delete(PaimonTables lake, String table, List<String> columns, List<String> primaryKey,
            List<Map<String, String>> rows) throws Exception {
        write(lake, table, columns, primaryKey, rows, RowKind.DELETE);
    }

    /** Replaces the whole table with the rows in one commit (an INSERT OVERWRITE). */
    public static void overwrite(PaimonTables lake, String table, List<String> columns, List<String> primaryKey,
            List<Map<String, String>> rows) throws Exception {
        write(lake, table, columns, primaryKey, rows, null);
    }

    /** @param kind null: overwrite the table with INSERTs */
    private static void write(PaimonTables lake, String table, List<String> columns, List<String> primaryKey,
            List<Map<String, String>> rows, RowKind kind) throws Exception {
        try (Catalog catalog = lake.catalog()) {
            catalog.createDatabase(lake.database(), true);
            Schema.Builder schema = Schema.newBuilder();
            for (String c : columns) schema.column(c, primaryKey.contains(c) ? DataTypes.STRING().notNull() : DataTypes.STRING());
            schema.primaryKey(primaryKey).option("bucket", "1");
            Identifier id = Identifier.create(lake.database(), table);
            catalog.createTable(id, schema.build(), true);
            Table t = catalog.getTable(id);
            BatchWriteBuilder builder = kind == null ? t.newBatchWriteBuilder().withOverwrite() : t.newBatchWriteBuilder();
            try (BatchTableWrite write = builder.newWrite(); BatchTableCommit commit = builder.newCommit()) {
                for (Map<String, String> row : rows) {
                    List<Object> values = new ArrayList<>();
                    for (String c : columns) values.add(row.get(c) == null ? null : BinaryString.fromString(row.get(c)));
                    write.write(GenericRow.ofKind(kind == null ? RowKind.INSERT : kind, values.toArray()));
                }
                commit.commit(write.prepareCommit());
            }
        }
    }
}
