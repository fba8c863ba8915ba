package org.dataloop.common.parse;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

import org.apache.flink.api.common.typeinfo.TypeInformation;

import org.dataloop.common.event.DeadLetter;

/** Parses one input message of a stream into an event or a dead letter. Never throws on bad input. */
public interface RecordParser<E> extends Serializable {
    /** The stream name as in the contract: heartbeat, pose, case_mapping. */
    String stream();

    /** @param job the job name, recorded in dead letters */
    Parsed<E> parse(String job, String raw);

    /** Parses a message as sent: JSON is UTF-8, and bytes that are not are malformed (never a U+FFFD inside an id). */
    default Parsed<E> parse(String job, byte[] value) {
        if (value == null) return parse(job, (String) null);
        try {
            return parse(job, StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(value)).toString());
        } catch (CharacterCodingException e) {
            return Parsed.rejected(DeadLetter.of(job, stream(), JsonParsers.MALFORMED_JSON, "not valid UTF-8",
                    new String(value, StandardCharsets.UTF_8)));
        }
    }

    TypeInformation<Parsed<E>> parsedType();
}
