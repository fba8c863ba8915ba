package org.dataloop.cdcdim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.config.OptionsException;
import org.dataloop.common.dim.DimensionDef;
import org.dataloop.common.io.TableDef;
import org.dataloop.common.runtime.JobRunner;

/** Options, passwords, server ids and table definitions: everything decided before a job starts. */
class OptionsTest {
    @TempDir
    Path tmp;

    @Test
    void serverIdRangeNeedsOneIdPerReader() {
        assertThat(ServerIdRange.parse("mysql.server-id", "5400-5403", 4)).isEqualTo(new ServerIdRange(5400, 5403));
        assertThat(ServerIdRange.parse("mysql.server-id", " 7 ", 1).toString()).isEqualTo("7");
        assertThat(ServerIdRange.parse("mysql.server-id", "5400 - 5401", 2).size()).isEqualTo(2);
        assertThatThrownBy(() -> ServerIdRange.parse("mysql.server-id", "5400-5401", 4)).isInstanceOf(OptionsException.class)
                .hasMessageContaining("--mysql.server-id 5400-5401 has 2 id(s) for 4 parallel MySQL readers")
                .hasMessageContaining("5400-5403");
        assertThatThrownBy(() -> ServerIdRange.parse("mysql.server-id", "abc", 1)).hasMessageContaining("bad value for --mysql.server-id");
        assertThatThrownBy(() -> ServerIdRange.parse("mysql.server-id", "9-3", 1)).hasMessageContaining("N ≤ M");
        assertThatThrownBy(() -> ServerIdRange.parse("mysql.server-id", "0", 1)).hasMessageContaining("bad value");
        assertThatThrownBy(() -> ServerIdRange.parse("mysql.server-id", "1-4294967296", 1)).hasMessageContaining("bad value");
    }

    @Test
    void passwordsComeFromAFileOrTheEnvironmentAndAreNeverInAMessage() throws Exception {
        Path file = tmp.resolve("pw");
        Files.writeString(file, "s3cret\n");
        assertThat(Passwords.resolve(Optional.of(file.toString()), "mysql.password-file", "MYSQL_PASSWORD", Map.of("MYSQL_PASSWORD", "env"), "x"))
                .isEqualTo("s3cret"); // the file wins, without its line break
        assertThat(Passwords.resolve(Optional.empty(), "mysql.password-file", "MYSQL_PASSWORD", Map.of("MYSQL_PASSWORD", "env"), "x"))
                .isEqualTo("env");
        assertThatThrownBy(() -> Passwords.resolve(Optional.empty(), "mysql.password-file", "MYSQL_PASSWORD", Map.of(), "MySQL user 'cdc'"))
                .isInstanceOf(OptionsException.class)
                .hasMessage("no password for MySQL user 'cdc': mount it as a file (--mysql.password-file) or set MYSQL_PASSWORD");
        assertThatThrownBy(() -> Passwords.resolve(Optional.of(tmp.resolve("missing").toString()), "mysql.password-file", "MYSQL_PASSWORD",
                Map.of(), "x")).hasMessageContaining("--mysql.password-file: cannot read");
    }

    @Test
    void thereIsNoPasswordOption() {
        assertThatThrownBy(() -> JobRunner.parse(new CdcDimJob(Map.of()), new String[] {"--mysql.password", "x"}))
                .isInstanceOf(OptionsException.class).hasMessageContaining("unknown option --mysql.password");
    }

    @Test
    void helpListsTheOptionsAndBadOptionsAreNamed() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(out, err, "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--mysql.hostname", "--mysql.server-id", "--postgres.slot-name",
                "--postgres.publication", "--mysql.startup-mode", "--table.dim_car", "MYSQL_PASSWORD");
        assertThat(run(out, err, "--mysql.startup-mode", "yesterday")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad value for --mysql.startup-mode");
        err.reset();
        assertThat(run(out, err, "--local")).isEqualTo(2); // no source configured
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("nothing to capture: set --mysql.hostname and/or --postgres.hostname");
        err.reset();
        assertThat(run(out, err, "--local", "--mysql.hostname", "localhost")).isEqualTo(2); // no password anywhere
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no password for MySQL user 'cdc'");
        err.reset();
        Path pw = tmp.resolve("pw");
        Files.writeString(pw, "x");
        assertThat(run(out, err, "--local", "--postgres.hostname", "localhost", "--postgres.password-file", pw.toString(),
                "--postgres.startup-mode", "timestamp", "--cdc.connect-timeout", "1 s", "--postgres.port", "1")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("PostgreSQL at localhost:1").doesNotContain("password: x");
        err.reset();
        assertThat(run(out, err, "--local", "--mysql.hostname", "localhost", "--mysql.password-file", pw.toString(),
                "--parallelism", "4", "--mysql.server-id", "5400-5401")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--mysql.server-id 5400-5401 has 2 id(s) for 4 parallel MySQL readers");
    }

    private static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) throws Exception {
        return JobRunner.run(new CdcDimJob(Map.of()), args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void lakeTablesHaveTheContractsColumnsAndTheKeysTheReadersUse() {
        assertThat(columns(DimTables.DIM_CAR.tableDef())).isEqualTo("car_id:STRING!,car_type:STRING,car_model:STRING,updated_at:BIGINT");
        assertThat(columns(DimTables.DIM_CITY_AREA.tableDef())).isEqualTo("city_name:STRING!,area_name:STRING!,city_code:STRING,area_code:STRING");
        assertThat(columns(DimTables.DIM_ROUTE.tableDef())).isEqualTo("route_id:STRING!,route_code:STRING,route_name:STRING");
        assertThat(columns(DimTables.DIM_ORDER.tableDef())).isEqualTo("task_id:STRING!,order_id:STRING,customer_id:STRING,updated_at:BIGINT");
        assertThat(DimTables.DIM_CAR.tableDef().primaryKey()).isEqualTo(DimensionDef.DIM_CAR.keyColumns());
        assertThat(DimTables.DIM_CITY_AREA.tableDef().primaryKey()).isEqualTo(DimensionDef.DIM_CITY_AREA.keyColumns());
        assertThat(DimTables.DIM_ROUTE.tableDef().primaryKey()).isEqualTo(DimensionDef.DIM_ROUTE.keyColumns());
        assertThat(DimTables.DIM_ORDER.tableDef().primaryKey()).isEqualTo(DimensionDef.DIM_ORDER.keyColumns());
        DimRow r = new DimRow("dim_car", "-D", new String[] {"car-1", null, "M1", "1700000000000"});
        assertThat(DimTables.DIM_CAR.tableDef().values(r)).containsExactly("car-1", null, "M1", 1_700_000_000_000L);
        assertThat(DimTables.DIM_CAR.tableDef().op(r)).isEqualTo("-D");
    }

    private static String columns(TableDef<DimRow> def) {
        StringBuilder sb = new StringBuilder();
        for (TableDef.Column<DimRow> c : def.columns()) {
            if (sb.length() > 0) sb.append(',');
            sb.append(c.name()).append(':').append(c.type()).append(c.nullable() ? "" : "!");
        }
        return sb.toString();
    }

}
