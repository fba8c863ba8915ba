package org.dataloop.posetrigger;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Deterministic trigger ids: the same (car, start) gives the same id on every run and replay. */
public final class TriggerIds {
    private TriggerIds() {}

    /** A name-based (type 3) UUID of {@code hard_brake|<car_id>|<start_ts>}. */
    public static String hardBrake(String carId, long startTs) {
        return UUID.nameUUIDFromBytes(("hard_brake|" + carId + "|" + startTs).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
