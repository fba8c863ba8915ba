package org.dataloop.laketodoris;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.testing.ShippedGraph;

/** The Doris password is read where it is used (task managers, from the file or the environment), never shipped. */
class SecretsTest {
    @TempDir
    Path tmp;

    @Test
    void theSerializedJobGraphHoldsNoDorisPassword() throws Exception {
        String secret = "pw-3f9c1e77-marker";
        Path pw = Files.writeString(tmp.resolve("pw"), secret + "\n");
        JobOptions options = JobRunner.parse(new LakeToDorisJob(), new String[] {
                "--paimon.warehouse", tmp.resolve("wh").toUri().toString(), "--doris.fenodes", "127.0.0.1:1",
                "--doris.password-file", pw.toString(), "--doris.tables", "dws_daily_auto_rate;dws_daily_mps_mpd;dwd_case_detail",
                "--state.backend", "hashmap"});
        PaimonTables lake = PaimonTables.fromOptions(options);
        for (SyncedTable t : LakeToDorisJob.selectedTables(options)) lake.ensureTable(t.def(), t.id());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new LakeToDorisJob(), options);
        ShippedGraph shipped = ShippedGraph.of(env);
        assertThat(shipped.contains(secret)).as("the password in the serialized job graph").isFalse();
        assertThat(shipped.contains(pw.toString())).as("the file's path is shipped instead").isTrue();
    }
}
