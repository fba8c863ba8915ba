package org.dataloop.common.testing;

import java.nio.charset.StandardCharsets;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.InstantiationUtil;

/**
 * The job graph as the JobManager stores it (HA storage) and ships it to the task managers: with its operators
 * serialized. A secret found in it is a secret at rest in places it must never be.
 */
public final class ShippedGraph {
    private final byte[] bytes;

    private ShippedGraph(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The serialized job graph of the pipeline defined on {@code env}. */
    public static ShippedGraph of(StreamExecutionEnvironment env) throws Exception {
        return new ShippedGraph(InstantiationUtil.serializeObject(env.getStreamGraph().getJobGraph()));
    }

    public boolean contains(String text) {
        byte[] part = text.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + part.length <= bytes.length; i++) {
            for (int j = 0; j < part.length; j++) if (bytes[i + j] != part[j]) continue outer;
            return true;
        }
        return false;
    }
}
