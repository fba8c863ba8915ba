package org.dataloop.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;

/**
 * A savepoint's state is matched to operators by uid: a renamed or removed uid loses its state on restore. This
 * compares the uids of a wired job graph (sources and sinks included) with the list committed in the module's
 * {@code src/test/resources/uids/<job>.txt}. A deliberate change: read docs/runbook.md "Upgrades and operator
 * uids", then rewrite the list with {@code -Dstable-uids.write=true}.
 */
public final class StableUids {
    private StableUids() {}

    /** Asserts the uids of the graph wired in {@code env} (its transformations are kept) are the committed ones. */
    public static void assertCommitted(StreamExecutionEnvironment env, String job) throws Exception {
        List<String> uids = new ArrayList<>();
        for (StreamNode n : env.getStreamGraph(false).getStreamNodes()) {
            // connectors add a few stateless operators of their own without a uid (Paimon's "Map" and "end"): they are
            // listed by name, so a new operator without a uid shows in the list's diff too
            String uid = n.getTransformationUID();
            uids.add(uid == null || uid.isBlank() ? "(no uid) " + n.getOperatorName() : uid);
        }
        Collections.sort(uids);
        Path file = Path.of("src/test/resources/uids", job + ".txt");
        if (Boolean.getBoolean("stable-uids.write")) {
            Files.createDirectories(file.getParent());
            Files.write(file, uids);
            return;
        }
        assertThat(file).as("committed uid list (write it with -Dstable-uids.write=true)").exists();
        List<String> committed = new ArrayList<>(Files.readAllLines(file));
        committed.removeIf(String::isBlank);
        Collections.sort(committed);
        List<String> removed = new ArrayList<>(committed);
        removed.removeAll(uids);
        List<String> added = new ArrayList<>(uids);
        added.removeAll(committed);
        assertThat(uids.equals(committed))
                .as("the operator uids of %s changed: removed %s, added %s. A removed uid's state is lost (or the restore"
                        + " fails); see docs/runbook.md, section 'Upgrades and operator uids', before updating %s",
                        job, removed, added, file)
                .isTrue();
    }
}
