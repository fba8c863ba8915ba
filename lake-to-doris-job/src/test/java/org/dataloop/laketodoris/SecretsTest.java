package org.dataloop.laketodoris;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.runtime.JobRunner;

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
        JobGraph graph = env.getStreamGraph().getJobGraph();

        // what the JobManager stores (HA storage) and ships to the task managers: the graph with its serialized operators
        byte[] shipped = InstantiationUtil.serializeObject(graph);
        assertThat(indexOf(shipped, secret.getBytes(StandardCharsets.UTF_8))).as("the password in the serialized job graph").isEqualTo(-1);
        assertThat(indexOf(shipped, pw.toString().getBytes(StandardCharsets.UTF_8))).as("the file's path is shipped instead").isNotEqualTo(-1);
    }

    private static int indexOf(byte[] data, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= data.length; i++) {
            for (int j = 0; j < part.length; j++) if (data[i + j] != part[j]) continue outer;
            return i;
        }
        return -1;
    }
}
