package org.dataloop.common.parse;

import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import org.dataloop.common.event.CaseChunk;

/** The case_mapping rules of the contract (§2 case_mapping). Event time is the case's start. */
public final class CaseChunkParser implements RecordParser<CaseChunk> {
    private static final long serialVersionUID = 1L;
    private static final long MIN_MS = JsonParsers.MIN_EPOCH_SECOND * 1000;
    private static final long MAX_MS = JsonParsers.MAX_EPOCH_SECOND * 1000;

    @Override
    public String stream() {
        return "case_mapping";
    }

    @Override
    public Parsed<CaseChunk> parse(String job, String raw) {
        return JsonParsers.parse(job, stream(), raw, f -> {
            CaseChunk c = new CaseChunk();
            c.caseId = f.requiredString("case_id", JsonParsers.CASE_ID_BYTES, JsonParsers.CASE_ID_BYTES);
            c.chunkId = f.requiredString("chunk_id", JsonParsers.CASE_ID_BYTES, JsonParsers.CASE_ID_BYTES);
            c.carId = f.requiredString("car_id", JsonParsers.CAR_ID_CHARS, JsonParsers.CAR_ID_BYTES);
            c.startTs = f.requiredLong("start_ts", MIN_MS, MAX_MS);
            // end >= start: the lower bound carries the rule
            c.endTs = f.requiredLong("end_ts", f.ok() ? c.startTs : MIN_MS, MAX_MS);
            c.triggerType = f.requiredString("trigger_type", JsonParsers.NAME_BYTES, JsonParsers.NAME_BYTES);
            c.filePath = f.optionalString("file_path", JsonParsers.PATH_BYTES);
            c.fileSize = f.optionalLong("file_size", 0);
            c.dataType = f.optionalString("data_type", JsonParsers.NAME_BYTES);
            c.uploadTime = f.optionalLong("upload_time", 0);
            return new JsonParsers.Result<>(c, c.startTs);
        });
    }

    @Override
    public TypeInformation<Parsed<CaseChunk>> parsedType() {
        return TypeInformation.of(new TypeHint<Parsed<CaseChunk>>() {});
    }
}
