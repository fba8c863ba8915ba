package org.dataloop.laketodoris;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.runtime.JobRunner;

/** The real job graph (Paimon sources, Doris sinks; nothing contacted at build time) has a user-set uid on every operator. */
class StableUidsTest {
    @TempDir
    Path tmp;

    @Test
    void everyOperatorOfTheLakeTablesHasAStableUid() {
        JobOptions options = JobRunner.parse(new LakeToDorisJob(), new String[] {
                "--paimon.warehouse", tmp.resolve("wh").toUri().toString(), "--doris.fenodes", "127.0.0.1:1",
                "--doris.tables", "dws_daily_auto_rate;dws_daily_mps_mpd;dwd_case_detail", "--state.backend", "hashmap"});
        PaimonTables lake = PaimonTables.fromOptions(options);
        for (SyncedTable t : LakeToDorisJob.selectedTables(options)) lake.ensureTable(t.def(), t.id());

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobRunner.definePipeline(env, new LakeToDorisJob(), options);
        StreamGraph graph = env.getStreamGraph();
        List<StreamNode> nodes = List.copyOf(graph.getStreamNodes());
        assertThat(nodes).isNotEmpty();
        assertThat(nodes).allSatisfy(n -> assertThat(n.getTransformationUID()).as(n.getOperatorName()).isNotBlank());
        assertThat(nodes).extracting(StreamNode::getTransformationUID)
                .contains("to-json-dwd_case_detail", "count-dwd_case_detail", "doris-dwd_case_detail")
                .anySatisfy(uid -> assertThat(uid).contains("lake-to-doris-job-dws_daily_auto_rate"))
                .doesNotHaveDuplicates();
    }
}
