package org.dataloop.laketodoris;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.doris.flink.sink.writer.DorisWriterState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.config.OptionsException;
import org.dataloop.common.config.Secrets;
import org.dataloop.common.runtime.JobRunner;

/** Options, labels, scan modes, the password and --apply-ddl's command line, without a cluster or a Doris. */
class LakeToDorisJobTest {
    /** Where no password is: read only when a sink starts on a task manager, which these tests never do. */
    private static final Secrets.Source NO_PASSWORD = new Secrets.Source(null, "doris.password-file", "NO_SUCH_VARIABLE", "no Doris password");

    @TempDir
    Path tmp;

    private static JobOptions parse(String... args) {
        return JobRunner.parse(new LakeToDorisJob(), args);
    }

    @Test
    void helpListsTheJobsOptionsAndTheUpstreamTableNames() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = JobRunner.run(new LakeToDorisJob(), new String[] {"--help"}, new PrintStream(out), System.err);
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--doris.fenodes", "--doris.tables", "--doris.label-prefix",
                "--doris.password-file", "--lake.scan.mode", "--fluss.scan.startup-mode", "--table.dwd_case_detail",
                "--table.realtime_metrics").doesNotContain("--doris.password ");
    }

    @Test
    void aBadOptionStopsWithALineNamingIt() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = JobRunner.run(new LakeToDorisJob(), new String[] {"--doris.max-retries", "many"}, System.out, new PrintStream(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--doris.max-retries");
        assertThatThrownBy(() -> parse("--doris.password", "x")).isInstanceOf(OptionsException.class)
                .hasMessageContaining("unknown option --doris.password");
    }

    @Test
    void tablesDefaultToAllFourAndAreChecked() {
        assertThat(LakeToDorisJob.selectedTables(parse())).extracting(SyncedTable::id)
                .containsExactly("dws_daily_auto_rate", "dws_daily_mps_mpd", "dwd_case_detail", "realtime_metrics");
        assertThat(LakeToDorisJob.selectedTables(parse("--doris.tables", "realtime_metrics;dwd_case_detail")))
                .extracting(SyncedTable::id).containsExactly("realtime_metrics", "dwd_case_detail");
        assertThatThrownBy(() -> LakeToDorisJob.selectedTables(parse("--doris.tables", "dws_daily_auto_rate;nope")))
                .hasMessageContaining("--doris.tables").hasMessageContaining("unknown table 'nope'");
        assertThatThrownBy(() -> LakeToDorisJob.selectedTables(parse("--doris.tables", "realtime_metrics;realtime_metrics")))
                .hasMessageContaining("twice");
    }

    @Test
    void labelPrefixesAreUniquePerTableAndStart() {
        JobOptions o = parse("--doris.label-prefix", "prod-l2d", "--table.dws_daily_mps_mpd", "mps_v2");
        assertThat(LakeToDorisJob.labelPrefix(o, "20261202052013123", SyncedTable.byId("dws_daily_mps_mpd")))
                .isEqualTo("prod-l2d-20261202052013123-dws_daily_mps_mpd");
        assertThat(LakeToDorisJob.tableName(o, SyncedTable.byId("dws_daily_mps_mpd"))).isEqualTo("mps_v2");
        assertThat(SyncedTable.ALL.stream().map(t -> LakeToDorisJob.labelPrefix(o, "1", t)).distinct()).hasSize(4);
        assertThat(LabelledDorisSink.newStartId()).matches("\\d{17}");
        // the sink's prefix for a start without state carries the start id; the default base fits every table's labels
        assertThat(LakeToDorisJob.dorisSink(parse("--doris.fenodes", "fe:8030"), SyncedTable.byId("dws_daily_auto_rate"), NO_PASSWORD, "20261202052013123")
                .freshPrefix()).isEqualTo("dataloop-lake-to-doris-20261202052013123-dws_daily_auto_rate");
    }

    @Test
    void aRestoredWriterKeepsThePrefixOfItsStateAndAFreshOneUsesTheStartsPrefix() {
        String fresh = "prod-l2d-20261202052013123-dws_daily_mps_mpd";
        assertThat(LabelledDorisSink.chosenPrefix(List.of(), fresh)).isEqualTo(fresh);
        assertThat(LabelledDorisSink.chosenPrefix(List.of(new DorisWriterState("prod-l2d-dws_daily_mps_mpd", "dataloop", "dws_daily_mps_mpd", 0)),
                fresh)).isEqualTo("prod-l2d-dws_daily_mps_mpd"); // a savepoint of a version without start ids
        assertThat(LabelledDorisSink.chosenPrefix(List.of(
                new DorisWriterState("p-2-t", "dataloop", "t", 1), new DorisWriterState("p-1-t", "dataloop", "t", 0)), fresh))
                .isEqualTo("p-1-t");
    }

    @Test
    void labelsThatDorisWouldRefuseStopTheJobAtStart() {
        assertThatThrownBy(() -> LakeToDorisJob.dorisSink(parse("--doris.fenodes", "fe:8030", "--doris.label-prefix", "prod.l2d"),
                SyncedTable.byId("dws_daily_mps_mpd"), NO_PASSWORD))
                .isInstanceOf(OptionsException.class).hasMessageContaining("bad value for --doris.label-prefix");
        assertThatThrownBy(() -> LakeToDorisJob.dorisSink(parse("--doris.fenodes", "fe:8030", "--doris.label-prefix", "x".repeat(60)),
                SyncedTable.byId("dws_daily_mps_mpd"), NO_PASSWORD))
                .hasMessageContaining("at most 128");
    }

    @Test
    void lakeScanModesMapToPaimonOptions() {
        SyncedTable t = SyncedTable.byId("dws_daily_auto_rate");
        assertThat(LakeToDorisJob.lakeScanOptions(parse(), t)).containsEntry("scan.mode", "latest-full")
                .containsEntry("source.operator-uid.suffix", "lake-to-doris-job-dws_daily_auto_rate").doesNotContainKey("scan.snapshot-id");
        assertThat(LakeToDorisJob.lakeScanOptions(parse("--lake.scan.mode", "from_snapshot", "--lake.scan.snapshot-id", "42"), t))
                .containsEntry("scan.mode", "from-snapshot").containsEntry("scan.snapshot-id", "42");
        assertThatThrownBy(() -> LakeToDorisJob.lakeScanOptions(parse("--lake.scan.mode", "from_snapshot_full"), t))
                .hasMessageContaining("needs --lake.scan.snapshot-id");
    }

    @Test
    void thePasswordComesFromAFileOrTheEnvironmentOnly() throws Exception {
        Path file = Files.writeString(tmp.resolve("pw"), "p@ss word\n");
        assertThat(DorisPassword.resolve(parse("--doris.password-file", file.toString()), Map.of("DORIS_PASSWORD", "env"))).isEqualTo("p@ss word");
        assertThat(DorisPassword.resolve(parse(), Map.of("DORIS_PASSWORD", "from-env"))).isEqualTo("from-env");
        assertThat(DorisPassword.resolve(parse("--doris.password-env", "MY_PW"), Map.of("MY_PW", "mine"))).isEqualTo("mine");
        assertThat(DorisPassword.resolve(parse(), Map.of("DORIS_PASSWORD", ""))).as("a user without a password").isEmpty();
        assertThatThrownBy(() -> DorisPassword.resolve(parse(), Map.of())).isInstanceOf(OptionsException.class)
                .hasMessage("no Doris password: mount it as a file (--doris.password-file) or set DORIS_PASSWORD (to the empty string for a user without one)");
        assertThatThrownBy(() -> DorisPassword.resolve(parse("--doris.password-file", tmp.resolve("missing").toString()), Map.of()))
                .hasMessageContaining("--doris.password-file: cannot read");
    }

    @Test
    void theSinkNeedsTheFeAddress() {
        assertThatThrownBy(() -> LakeToDorisJob.dorisSink(parse(), SyncedTable.byId("dws_daily_mps_mpd"), NO_PASSWORD))
                .hasMessageContaining("--doris.fenodes is required");
        assertThatThrownBy(() -> LakeToDorisJob.dorisSink(parse("--doris.fenodes", "fe:8030", "--doris.buffer-count", "1"),
                SyncedTable.byId("dws_daily_mps_mpd"), NO_PASSWORD)).hasMessageContaining("--doris.buffer-count");
    }

    @Test
    void printDdlPrintsEveryStatementWithItsVariables() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = ApplyDdl.run(new LakeToDorisJob(), new String[] {"--print-ddl", "--doris.database", "dw", "--doris.ddl.buckets", "4",
                "--doris.ddl.replication-num", "1"}, new PrintStream(out), System.err);
        assertThat(code).isZero();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("CREATE DATABASE IF NOT EXISTS `dw`;", "CREATE TABLE IF NOT EXISTS `dw`.`dwd_case_detail`",
                "BUCKETS 4", "\"replication_num\" = \"1\"", "CREATE VIEW IF NOT EXISTS `dw`.`ads_route_health`").doesNotContain("${");
    }

    @Test
    void applyDdlBuildsItsUrlAndVariablesAndReportsAnUnreachableFe() throws Exception {
        JobOptions o = parse("--doris.fenodes", "fe-1.doris:8030,fe-2.doris:8030", "--doris.ddl.buckets", "16");
        assertThat(ApplyDdl.jdbcUrl(o)).startsWith("jdbc:mysql://fe-1.doris:9030/");
        assertThat(ApplyDdl.variables(o)).containsEntry("buckets", "16").containsEntry("replication_num", "3")
                .containsEntry("database", "dataloop").containsEntry("history_days", "730");
        assertThat(ApplyDdl.jdbcUrl(parse("--doris.jdbc-url", "jdbc:mysql://x:1/"))).isEqualTo("jdbc:mysql://x:1/");
        assertThatThrownBy(() -> ApplyDdl.variables(parse("--doris.ddl.replication-num", "0"))).hasMessageContaining("at least 1");

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path pw = Files.writeString(tmp.resolve("ddl-pw"), "secret\n");
        int code = ApplyDdl.run(new LakeToDorisJob(), new String[] {"--apply-ddl", "--doris.jdbc-url",
                "jdbc:mysql://127.0.0.1:1/?connectTimeout=2000", "--doris.password-file", pw.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Doris refused the DDL at jdbc:mysql://127.0.0.1:1/");
        assertThat(ApplyDdl.run(new LakeToDorisJob(), new String[] {"--apply-ddl"}, System.out, new PrintStream(err))).isEqualTo(2);
    }
}
