package org.dataloop.common.parse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import org.dataloop.common.event.Heartbeat;

class FutureGuardTest {
    private final FutureGuard<Heartbeat> guard = new FutureGuard<>(new HeartbeatParser(), 3_600_000L);

    private static String at(long epochSecond) {
        return "{\"car_id\":\"c\",\"ts_second\":" + epochSecond + ",\"driving_mode\":\"Auto\",\"speed\":1}";
    }

    @Test
    void eventsWithinTheSkewPassAndLaterOnesAreDeadLetters() {
        long now = System.currentTimeMillis() / 1000;
        assertThat(guard.parse("j", at(now + 3000)).isValid()).isTrue();
        Parsed<Heartbeat> future = guard.parse("j", at(now + 7200));
        assertThat(future.isValid()).isFalse();
        assertThat(future.deadLetter.reason).isEqualTo("future");
        assertThat(future.deadLetter.raw).isEqualTo(at(now + 7200));
        assertThat(future.eventTimeMs).isEqualTo(Long.MIN_VALUE); // never moves a watermark
    }

    @Test
    void invalidRecordsKeepTheirOwnReason() {
        assertThat(guard.parse("j", "{").deadLetter.reason).isEqualTo("malformed_json");
    }
}
