package org.dataloop.common.runtime;

import java.util.List;

import org.apache.flink.configuration.ConfigOption;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.dim.DimensionDef;
import org.dataloop.common.io.TableDef;
import org.dataloop.common.parse.RecordParser;

/**
 * A job: what it reads, what it writes, its options, and the one method that wires the pipeline.
 * {@link JobRunner} does the rest (options, environment, checkpoints, sources and sinks, local runs).
 */
public interface JobDefinition {
    /** The module name, e.g. {@code heartbeat-job}; also the Flink job name. */
    String name();

    /** One line for --help. */
    String summary();

    /** The input streams, one parser each. */
    List<RecordParser<?>> streams();

    /** The dimension tables it reads. */
    default List<DimensionDef> dimensions() {
        return List.of();
    }

    /** Its output tables and topics (the dead letters are added by the runner). */
    List<TableDef<?>> outputs();

    /** Its own options; the common ones are added by the runner. */
    List<ConfigOption<?>> options();

    /** Wires the pipeline: read with {@code io.read}, write with {@code io.write}. */
    void defineWorkflow(JobIO io, JobOptions options);
}
