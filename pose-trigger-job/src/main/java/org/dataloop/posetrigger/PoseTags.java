package org.dataloop.posetrigger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

import org.dataloop.common.event.HardBrakeTrigger;

/** The tags of {@code tag_tall_table} (contract §4): 1 {@code speed}, 2 {@code hard_brake}. */
public final class PoseTags {
    private PoseTags() {}

    public static final int SPEED_ID = 1;
    public static final String SPEED = "speed";
    public static final int HARD_BRAKE_ID = 2;
    public static final String HARD_BRAKE = "hard_brake";

    /** Tag 1: the mean speed (km/h) of the second's samples, 2 decimals (half up). */
    public static TagRow speed(String carId, long tsSecond, double speedSum, int samples) {
        TagRow t = row(carId, tsSecond, SPEED_ID, SPEED, "number");
        t.value = BigDecimal.valueOf(speedSum / samples).setScale(2, RoundingMode.HALF_UP).toPlainString();
        return t;
    }

    /** Tag 2, {@code true}, for every second that overlaps the trigger's [start_ts, end_ts]. */
    public static List<TagRow> hardBrake(HardBrakeTrigger trigger) {
        List<TagRow> out = new ArrayList<>();
        for (long s = Math.floorDiv(trigger.startTs, 1000); s <= Math.floorDiv(trigger.endTs, 1000); s++) {
            TagRow t = row(trigger.carId, s, HARD_BRAKE_ID, HARD_BRAKE, "bool");
            t.value = "true";
            out.add(t);
        }
        return out;
    }

    private static TagRow row(String carId, long tsSecond, int id, String name, String type) {
        TagRow t = new TagRow();
        t.carId = carId;
        t.tsSecond = tsSecond;
        t.tagId = id;
        t.tagName = name;
        t.valueType = type;
        return t;
    }
}
