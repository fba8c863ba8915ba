package org.dataloop.casemetrics;

import org.dataloop.common.event.CaseDetail;

/** State: one case of a car, its chunks so far and what was last emitted for it. */
public class CaseState {
    /** The case over its chunks so far, with its context once resolved. */
    public CaseDetail row;
    /** chunk_ids seen, to drop repeated chunks. */
    public String[] chunkIds;
    /** The chunk whose file_path, data_type and trigger_type the case shows: earliest start, then smallest id. */
    public String firstChunkId;
    /** Whether the context matches the current start_ts. */
    public boolean resolved;
    /** The row last emitted (its date, city and trigger type are what the case is counted under); null before. */
    public CaseDetail emitted;
    /** Event time after which the case's state is dropped. */
    public long expireAtMs;

    public CaseState() {}

    boolean hasChunk(String chunkId) {
        for (String id : chunkIds) if (id.equals(chunkId)) return true;
        return false;
    }
}
