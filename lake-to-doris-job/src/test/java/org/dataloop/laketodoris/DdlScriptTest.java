package org.dataloop.laketodoris;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.create.view.CreateView;
import org.junit.jupiter.api.Test;

import org.dataloop.common.io.ColumnType;
import org.dataloop.common.io.TableDef;

/** The shipped Doris DDL: splitting, variables, and that every table has exactly the columns the job sends. */
class DdlScriptTest {
    private static final Map<String, String> VARS = Map.of("database", "dataloop", "replication_num", "3", "buckets", "8",
            "history_days", "730", "timezone", "Asia/Shanghai");

    @Test
    void splitsOnSemicolonsOutsideQuotesAndComments() {
        assertThat(DdlScript.split("-- a comment; still comment\nSELECT 'a;b', `c;d` FROM t; /* x; y */ SELECT \"e;f\";\n ;"))
                .containsExactly("SELECT 'a;b', `c;d` FROM t", "SELECT \"e;f\"");
        assertThat(DdlScript.split("SELECT 'it''s; fine'; SELECT 2")).containsExactly("SELECT 'it''s; fine'", "SELECT 2");
        assertThatThrownBy(() -> DdlScript.split("SELECT 'open")).hasMessageContaining("unterminated ' quote");
        assertThatThrownBy(() -> DdlScript.split("SELECT 1 /* open")).hasMessageContaining("unterminated comment");
    }

    @Test
    void substitutesVariablesAndRefusesUnknownOrUnsafeValues() {
        assertThat(DdlScript.substitute("a ${buckets} b ${database}", VARS)).isEqualTo("a 8 b dataloop");
        assertThatThrownBy(() -> DdlScript.substitute("${nope}", VARS)).hasMessageContaining("${nope} has no value");
        assertThatThrownBy(() -> DdlScript.substitute("${database}", Map.of("database", "x`; DROP TABLE y")))
                .hasMessageContaining("is not an identifier, a number or a time zone");
        assertThatThrownBy(() -> DdlScript.substitute("${Bad}", VARS)).hasMessageContaining("malformed variable");
    }

    @Test
    void everyStatementHasItsVariablesReplacedAndTheDatabaseComesFirst() {
        List<String> statements = DdlScript.statements(VARS);
        assertThat(statements).hasSize(7).noneMatch(s -> s.contains("${"));
        assertThat(statements.get(0)).isEqualTo("CREATE DATABASE IF NOT EXISTS `dataloop`");
        assertThat(statements).filteredOn(s -> s.startsWith("CREATE VIEW")).hasSize(2);
    }

    @Test
    void everySyncedTableHasExactlyTheColumnsOfItsTableDefAndItsDorisKey() {
        Map<String, DdlScript.CreateTable> tables = DdlScript.tables(VARS);
        assertThat(tables.keySet()).containsExactlyInAnyOrderElementsOf(SyncedTable.ids());
        for (SyncedTable synced : SyncedTable.ALL) {
            DdlScript.CreateTable t = tables.get(synced.id());
            TableDef<?> def = synced.def();
            assertThat(new TreeSet<>(t.columnNames())).as(synced.id()).isEqualTo(new TreeSet<>(def.columns().stream().map(TableDef.Column::name).toList()));
            assertThat(t.columnNames()).hasSameSizeAs(def.columns());
            for (TableDef.Column<?> c : def.columns()) {
                DdlScript.Column d = t.columns().stream().filter(x -> x.name().equals(c.name())).findFirst().orElseThrow();
                assertThat(d.nullable()).as(synced.id() + "." + c.name() + " nullability").isEqualTo(c.nullable());
                assertThat(dorisTypeFits(c.type(), d.type())).as(synced.id() + "." + c.name() + " " + d.type()).isTrue();
            }
            assertThat(t.uniqueKey()).as(synced.id()).isEqualTo(synced.dorisKey());
            assertThat(t.partitionColumn()).isEqualTo("date_key");
            assertThat(t.buckets()).isEqualTo("8");
            assertThat(t.database()).isEqualTo("dataloop");
            assertThat(t.properties()).containsEntry("enable_unique_key_merge_on_write", "true")
                    .containsEntry("replication_num", "3").containsEntry("dynamic_partition.enable", "true")
                    .containsEntry("dynamic_partition.time_unit", "DAY").containsEntry("dynamic_partition.start", "-730")
                    .containsEntry("dynamic_partition.buckets", "8").containsEntry("dynamic_partition.replication_num", "3");
        }
    }

    private static boolean dorisTypeFits(ColumnType type, String doris) {
        return switch (type) {
            case STRING -> doris.startsWith("VARCHAR(") || doris.equals("STRING");
            case DATE -> doris.equals("DATE");
            case BIGINT -> doris.equals("BIGINT");
            case INT -> doris.equals("INT");
            case DOUBLE -> doris.equals("DOUBLE");
            case BOOLEAN -> doris.equals("BOOLEAN");
        };
    }

    @Test
    void theStrictReaderRefusesWhatDorisWouldRefuse() {
        String ok = DdlScript.statements(VARS).get(1);
        DdlScript.parseCreateTable(ok);
        assertThatThrownBy(() -> DdlScript.parseCreateTable(ok.replace("UNIQUE KEY(`date_key`, `city_code`,", "UNIQUE KEY(`city_code`, `date_key`,")))
                .hasMessageContaining("must be column 1");
        assertThatThrownBy(() -> DdlScript.parseCreateTable(ok.replace("`auto_miles` DOUBLE NOT NULL", "`auto_miles` DOUBL NOT NULL")))
                .hasMessageContaining("bad column definition");
        assertThatThrownBy(() -> DdlScript.parseCreateTable(ok.replace("PARTITION BY RANGE(`date_key`)", "PARTITION BY RANGE(`auto_rate`)")))
                .hasMessageContaining("partition column auto_rate is not in the unique key");
        assertThatThrownBy(() -> DdlScript.parseCreateTable(ok.replace("HASH(`car_id`)", "HASH(`auto_rate`)")))
                .hasMessageContaining("hash column auto_rate is not a key column");
        assertThatThrownBy(() -> DdlScript.parseCreateTable(ok.replace("\"enable_unique_key_merge_on_write\" = \"true\"", "enable_unique_key_merge_on_write = true")))
                .hasMessageContaining("bad property");
        assertThatThrownBy(() -> DdlScript.parseCreateTable(ok.replace("`car_id` VARCHAR(256) NOT NULL", "`car_id` VARCHAR(256) NULL")))
                .hasMessageContaining("key column car_id must be NOT NULL");
    }

    @Test
    void theTablesParseAsSqlWithTheSameColumns() throws Exception {
        for (var e : DdlScript.tables(VARS).entrySet()) {
            String statement = DdlScript.statements(VARS).stream().filter(s -> s.contains("`" + e.getKey() + "` (")).findFirst().orElseThrow();
            // JSqlParser knows no Doris clauses (PARTITION BY RANGE ... ()): the part up to the key must parse as SQL,
            // the rest is read by DdlScript's strict reader (the test above)
            Statement st = CCJSqlParserUtil.parse(statement.substring(0, statement.indexOf("\nUNIQUE KEY(")));
            assertThat(st).isInstanceOf(net.sf.jsqlparser.statement.create.table.CreateTable.class);
            var parsed = (net.sf.jsqlparser.statement.create.table.CreateTable) st;
            assertThat(parsed.getColumnDefinitions()).extracting(c -> c.getColumnName().replace("`", ""))
                    .containsExactlyElementsOf(e.getValue().columnNames());
        }
    }

    @Test
    void theViewsParseAsSqlAndReadOnlyTheSyncedTables() throws Exception {
        // JSqlParser (the copy inside the Doris connector) parses the views' standard SQL
        for (String s : DdlScript.statements(VARS)) {
            if (!s.startsWith("CREATE VIEW")) continue;
            // JSqlParser 4.9 has no CREATE VIEW IF NOT EXISTS (Doris has): the rest must parse as it is
            Statement st = CCJSqlParserUtil.parse(s.replaceFirst("^CREATE VIEW IF NOT EXISTS ", "CREATE VIEW "));
            assertThat(st).isInstanceOf(CreateView.class);
            Set<String> read = new TreeSet<>(new net.sf.jsqlparser.util.TablesNamesFinder().getTables((Statement) ((CreateView) st).getSelect()));
            read.removeIf(n -> !n.contains("."));
            assertThat(read).isNotEmpty();
            assertThat(read).isSubsetOf(Set.of("`dataloop`.`dws_daily_auto_rate`", "`dataloop`.`dws_daily_mps_mpd`",
                    "`dataloop`.`dwd_case_detail`", "`dataloop`.`ads_daily_fleet_overview`", "`dataloop`.`ads_route_health`"));
        }
    }
}
