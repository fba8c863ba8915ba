package org.dataloop.common.parse;

import java.io.Serializable;

import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Parses one input message of a stream into an event or a dead letter. Never throws on bad input. */
public interface RecordParser<E> extends Serializable {
    /** The stream name as in the contract: heartbeat, pose, case_mapping. */
    String stream();

    /** @param job the job name, recorded in dead letters */
    Parsed<E> parse(String job, String raw);

    TypeInformation<Parsed<E>> parsedType();
}
