package org.dataloop.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dataloop.heartbeat.HeartbeatTestData.DAY_START;
import static org.dataloop.heartbeat.HeartbeatTestData.NEXT_DAY_START;
import static org.dataloop.heartbeat.HeartbeatTestData.SHANGHAI;
import static org.dataloop.heartbeat.HeartbeatTestData.heartbeat;

import java.time.Duration;
import java.time.ZoneId;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.dataloop.common.ops.KeepWatermark;
import org.dataloop.common.event.DeadLetter;
import org.dataloop.common.event.Heartbeat;
import org.dataloop.common.heartbeat.HeartbeatDedupPolicy;
import org.dataloop.common.ops.TimeSlotDeduplicator;

class HeartbeatDeduplicationTest {
    private static final long HOUR_MS = 3_600_000L;
    private KeyedOneInputStreamOperatorTestHarness<String, Heartbeat, Heartbeat> harness;

    @BeforeEach
    void setUp() throws Exception {
        var fn = new TimeSlotDeduplicator<>("heartbeat-job", new HeartbeatDedupPolicy(SHANGHAI, Duration.ofHours(1)));
        harness = new KeyedOneInputStreamOperatorTestHarness<>(KeepWatermark.of(fn), h -> h.carId, Types.STRING);
        harness.setup(TypeInformation.of(Heartbeat.class).createSerializer(harness.getExecutionConfig().getSerializerConfig()));
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void send(String car, long ts) throws Exception {
        harness.processElement(heartbeat(car, ts, "Auto", 30), ts * 1000);
    }

    @Test
    void firstArrivalWinsPerCarAndSecond() throws Exception {
        send("a", DAY_START + 10);
        send("a", DAY_START + 10); // duplicate
        send("b", DAY_START + 10); // other car, same second
        send("a", DAY_START + 11);
        send("a", DAY_START + 74); // same 64-second word boundary region, different slot
        send("a", DAY_START + 11); // duplicate, out of order
        assertThat(harness.extractOutputValues()).extracting(h -> h.carId + "@" + (h.tsSecond - DAY_START))
                .containsExactly("a@10", "b@10", "a@11", "a@74");
    }

    @Test
    void aHeartbeatIsLateOnlyOnceItsDayIsFinal() throws Exception {
        send("a", DAY_START + 100);
        // the next day has started but the day is within its allowed lateness: not late, still de-duplicated
        harness.processWatermark(NEXT_DAY_START * 1000 + HOUR_MS - 1);
        send("a", DAY_START + 100);
        send("a", DAY_START + 200);
        assertThat(harness.extractOutputValues()).hasSize(2);
        assertThat(harness.getSideOutput(TimeSlotDeduplicator.LATE)).isNull();

        harness.processWatermark(NEXT_DAY_START * 1000 + HOUR_MS);
        send("a", DAY_START + 300);
        assertThat(harness.extractOutputValues()).hasSize(2);
        var late = harness.getSideOutput(TimeSlotDeduplicator.LATE);
        assertThat(late).hasSize(1);
        DeadLetter d = late.peek().getValue();
        assertThat(d.reason).isEqualTo("late");
        assertThat(d.stream).isEqualTo("heartbeat");
        assertThat(d.raw).contains("\"ts_second\":" + (DAY_START + 300));
    }

    @Test
    void stateAndTimersAreGoneOnceTheDayIsFinal() throws Exception {
        for (long s = 0; s < 500; s++) send("a", DAY_START + s);
        send("a", NEXT_DAY_START + 5);
        assertThat(harness.numKeyedStateEntries()).isGreaterThan(0);
        assertThat(harness.numEventTimeTimers()).isEqualTo(2); // one per car and day

        harness.processWatermark(NEXT_DAY_START * 1000 + HOUR_MS);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1); // the next day's is still pending
        harness.processWatermark(NEXT_DAY_START * 1000 + 86_400_000L + HOUR_MS);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aWordSpanningLocalMidnightIsCleanedDayByDay() throws Exception {
        // Asia/Kolkata is UTC+05:30, so its midnight falls inside a 64-second word
        ZoneId kolkata = ZoneId.of("Asia/Kolkata");
        long midnight = java.time.ZonedDateTime.of(2026, 11, 21, 0, 0, 0, 0, kolkata).toEpochSecond();
        assertThat(midnight % 64).isNotZero();
        harness.close();
        var fn = new TimeSlotDeduplicator<>("heartbeat-job", new HeartbeatDedupPolicy(kolkata, Duration.ofHours(1)));
        harness = new KeyedOneInputStreamOperatorTestHarness<>(KeepWatermark.of(fn), h -> h.carId, Types.STRING);
        harness.setup(TypeInformation.of(Heartbeat.class).createSerializer(harness.getExecutionConfig().getSerializerConfig()));
        harness.open();

        send("a", midnight + 1); // the next day first: the word's first slot is then of the later day
        send("a", midnight - 1);
        send("a", midnight - 1);
        send("a", midnight + 1);
        assertThat(harness.extractOutputValues()).hasSize(2);
        assertThat(harness.numEventTimeTimers()).isEqualTo(2); // one per day, though both seconds share a word

        harness.processWatermark(midnight * 1000 + HOUR_MS); // the earlier day is final
        send("a", midnight - 1);
        assertThat(harness.getSideOutput(TimeSlotDeduplicator.LATE)).hasSize(1);
        send("a", midnight + 1); // still remembered
        assertThat(harness.extractOutputValues()).hasSize(2);

        harness.processWatermark((midnight + 86_400) * 1000 + HOUR_MS);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
