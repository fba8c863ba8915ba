package org.dataloop.laketodoris;

import java.nio.file.Path;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.testing.StableUids;

/**
 * The real job graph (the lake tables' Paimon sources and Doris sinks; nothing contacted at build time; the Fluss table needs
 * a server and is left out) keeps the committed operator uids: savepoints keep restoring.
 */
class StableUidsTest {
    @TempDir
    Path tmp;

    @Test
    void operatorUidsAreTheCommittedOnes() throws Exception {
        java.nio.file.Path pw = java.nio.file.Files.writeString(tmp.resolve("pw"), "secret");
        JobOptions options = JobRunner.parse(new LakeToDorisJob(), new String[] {
                "--paimon.warehouse", tmp.resolve("wh").toUri().toString(), "--doris.fenodes", "127.0.0.1:1",
                "--doris.password-file", pw.toString(),
                "--doris.tables", "dws_daily_auto_rate;dws_daily_mps_mpd;dwd_case_detail", "--state.backend", "hashmap"});
        PaimonTables lake = PaimonTables.fromOptions(options);
        for (SyncedTable t : LakeToDorisJob.selectedTables(options)) lake.ensureTable(t.def(), t.id());

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new LakeToDorisJob(), options);
        StableUids.assertCommitted(env, "lake-to-doris-job");
    }
}
