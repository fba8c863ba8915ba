package org.dataloop.common.event;

/** One uploaded data chunk of a case, from the {@code case-mapping} topic. Times in epoch milliseconds. */
public class CaseChunk {
    public String caseId;
    public String chunkId;
    public String carId;
    public long startTs;
    public long endTs;
    public String triggerType;
    public String filePath;
    /** Bytes; null when absent. */
    public Long fileSize;
    public String dataType;
    public Long uploadTime;

    public CaseChunk() {}
}
