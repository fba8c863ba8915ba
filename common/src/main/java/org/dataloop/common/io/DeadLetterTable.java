package org.dataloop.common.io;

import org.dataloop.common.event.DeadLetter;

/** The dead-letter output of every job (contract §6): Kafka topic {@code dlq} by default, {@code dlq.jsonl} locally. */
public final class DeadLetterTable {
    private DeadLetterTable() {}

    public static final TableDef<DeadLetter> DEF = TableDef.<DeadLetter>builder("dlq", TableDef.Store.KAFKA)
            .required("job", ColumnType.STRING, d -> d.job)
            .required("stream", ColumnType.STRING, d -> d.stream)
            .required("reason", ColumnType.STRING, d -> d.reason)
            .optional("detail", ColumnType.STRING, d -> d.detail)
            .optional("raw", ColumnType.STRING, d -> d.raw)
            .required("ingest_time", ColumnType.BIGINT, d -> d.ingestTime)
            .optional("topic", ColumnType.STRING, d -> d.topic)
            .optional("partition", ColumnType.INT, d -> d.partition)
            .optional("offset", ColumnType.BIGINT, d -> d.offset)
            .build();
}
