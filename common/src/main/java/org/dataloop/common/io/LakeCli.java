package org.dataloop.common.io;

import java.io.PrintStream;
import java.util.Map;

import org.apache.paimon.catalog.Catalog;

import org.dataloop.common.parse.JsonParsers;

/**
 * {@code bin/dataloop lake WAREHOUSE [TABLE] [--database DB]}: lists the lake's tables, or prints a table's
 * rows at its latest snapshot as JSON Lines, e.g. to look at what the demo left behind.
 */
public final class LakeCli {
    private LakeCli() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        String warehouse = null;
        String table = null;
        String database = "dataloop";
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--database") && i + 1 < args.length) database = args[++i];
            else if (args[i].startsWith("--")) {
                err.println("usage: bin/dataloop lake WAREHOUSE [TABLE] [--database DB]");
                return args[i].equals("--help") ? 0 : 2;
            } else if (warehouse == null) warehouse = args[i];
            else table = args[i];
        }
        if (warehouse == null) {
            err.println("error: lake: give the warehouse, e.g. bin/dataloop lake demo/warehouse");
            return 2;
        }
        if (!warehouse.contains("://")) warehouse = java.nio.file.Path.of(warehouse).toAbsolutePath().toUri().toString();
        PaimonTables lake = new PaimonTables(Map.of("warehouse", warehouse, "cache-enabled", "false"), database, 1);
        if (table == null) {
            try (Catalog catalog = lake.catalog()) {
                for (String t : catalog.listTables(database)) out.println(t);
            } catch (Catalog.DatabaseNotExistException e) {
                err.println("error: lake: no database " + database + " in " + warehouse);
                return 2;
            }
            return 0;
        }
        for (Map<String, Object> row : lake.readAll(table)) out.println(JsonParsers.MAPPER.writeValueAsString(row));
        return 0;
    }
}
