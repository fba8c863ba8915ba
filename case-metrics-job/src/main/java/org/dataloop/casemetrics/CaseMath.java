package org.dataloop.casemetrics;

import java.util.Set;

import org.dataloop.common.event.CaseChunk;

/** The definitions of contract §4 case-metrics-job, as pure functions. */
public final class CaseMath {
    private CaseMath() {}

    /** Cases per 10,000 km: {@code cases × 10000 / km}, 0 when no km were driven. */
    public static double perTenThousandKm(long cases, double km) {
        return km > 0 ? cases * 10000.0 / km : 0.0;
    }

    public static boolean isDangerous(String triggerType, Set<String> dangerousTypes) {
        return dangerousTypes.contains(triggerType);
    }

    /**
     * The heartbeat second of a run of consecutive seconds {@code [first, last]} nearest to {@code startMs};
     * of two equally near, the earlier.
     */
    public static long nearestSecond(long first, long last, long startMs) {
        if (startMs <= first * 1000) return first;
        if (startMs >= last * 1000) return last;
        long below = Math.floorDiv(startMs, 1000);
        long fromBelow = startMs - below * 1000;
        return fromBelow <= 1000 - fromBelow ? below : below + 1;
    }

    /** Whether {@code chunk} comes before {@code other} as a case's first chunk: earlier start, then smaller chunk_id. */
    public static boolean isBefore(CaseChunk chunk, long otherStartTs, String otherChunkId) {
        return chunk.startTs < otherStartTs || chunk.startTs == otherStartTs && chunk.chunkId.compareTo(otherChunkId) < 0;
    }
}
