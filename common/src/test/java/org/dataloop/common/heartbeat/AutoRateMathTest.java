package org.dataloop.common.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AutoRateMathTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @ParameterizedTest
    @CsvSource({"Auto,true", "auto,true", "AUTO,true", "Manual,false", "Autopilot,false", "' Auto',false", "'',false"})
    void autonomousIsAutoIgnoringCase(String mode, boolean autonomous) {
        assertThat(AutoRateMath.isAutonomous(mode)).isEqualTo(autonomous);
    }

    @Test
    void nullModeIsNotAutonomous() {
        assertThat(AutoRateMath.isAutonomous(null)).isFalse();
    }

    @Test
    void oneHeartbeatAt36KmhCoversTenMetres() {
        assertThat(AutoRateMath.kilometres(36.0)).isCloseTo(0.01, within(1e-12));
        assertThat(AutoRateMath.kilometres(0.0)).isZero();
    }

    @Test
    void autoRateIsZeroWithoutSeconds() {
        assertThat(AutoRateMath.autoRate(0, 0)).isZero();
        assertThat(AutoRateMath.autoRate(3, 4)).isEqualTo(0.75);
    }

    @Test
    void dateKeyIsTheLocalDateAcrossLocalMidnight() {
        long lastSecondOfNov20 = ZonedDateTime.of(2026, 11, 20, 23, 59, 59, 0, SHANGHAI).toEpochSecond();
        assertThat(AutoRateMath.dateKey(lastSecondOfNov20, SHANGHAI)).isEqualTo("2026-11-20");
        assertThat(AutoRateMath.dateKey(lastSecondOfNov20 + 1, SHANGHAI)).isEqualTo("2026-11-21");
        // 16:00 UTC is already the next day in Shanghai
        assertThat(AutoRateMath.dateKey(lastSecondOfNov20 + 1, ZoneId.of("UTC"))).isEqualTo("2026-11-20");
        assertThat(AutoRateMath.endOfLocalDayMs(lastSecondOfNov20, SHANGHAI)).isEqualTo((lastSecondOfNov20 + 1) * 1000);
        assertThat(AutoRateMath.endOfLocalDayMs(lastSecondOfNov20 + 1, SHANGHAI)).isEqualTo((lastSecondOfNov20 + 1 + 86400) * 1000);
    }

    @Test
    void aDaylightSavingDayEndsAfter23Hours() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        long start = ZonedDateTime.of(2026, 3, 29, 0, 0, 0, 0, berlin).toEpochSecond();
        assertThat(AutoRateMath.endOfLocalDayMs(start, berlin) - start * 1000).isEqualTo(23 * 3600_000L);
    }
}
