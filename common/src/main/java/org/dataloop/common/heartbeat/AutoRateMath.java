package org.dataloop.common.heartbeat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/** The definitions of contract §4 heartbeat-job, as pure functions. */
public final class AutoRateMath {
    private AutoRateMath() {}

    /** A heartbeat is autonomous when its driving_mode is {@code Auto}, ignoring case; anything else is not. */
    public static boolean isAutonomous(String drivingMode) {
        return "Auto".equalsIgnoreCase(drivingMode);
    }

    /** Kilometres covered in the one second a heartbeat stands for, at {@code speedKmh}. */
    public static double kilometres(double speedKmh) {
        return speedKmh / 3600.0;
    }

    /** auto / total, 0 when total is 0. */
    public static double autoRate(long autoSeconds, long totalSeconds) {
        return totalSeconds == 0 ? 0.0 : (double) autoSeconds / totalSeconds;
    }

    /** The local calendar date of an epoch second in the fleet time zone. */
    public static LocalDate localDate(long epochSecond, ZoneId zone) {
        return LocalDate.ofInstant(Instant.ofEpochSecond(epochSecond), zone);
    }

    /** date_key: the local date as yyyy-MM-dd. */
    public static String dateKey(long epochSecond, ZoneId zone) {
        return localDate(epochSecond, zone).toString();
    }

    /** Epoch ms of the first instant of the next local day: the end of the event's day. */
    public static long endOfLocalDayMs(long epochSecond, ZoneId zone) {
        return localDate(epochSecond, zone).plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
    }
}
