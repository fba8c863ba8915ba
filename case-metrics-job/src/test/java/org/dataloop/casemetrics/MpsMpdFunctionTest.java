package org.dataloop.casemetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.dataloop.casemetrics.CaseTestData.DAY;
import static org.dataloop.casemetrics.CaseTestData.DAY_START;
import static org.dataloop.casemetrics.CaseTestData.NEXT_DAY_START;
import static org.dataloop.casemetrics.CaseTestData.SHANGHAI;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.dataloop.common.ops.KeepWatermark;
import org.dataloop.common.event.MpsMpd;

class MpsMpdFunctionTest {
    private static final Duration RETENTION = Duration.ofHours(48);
    private static final long T = DAY_START * 1000 + 3_600_000;
    private KeyedOneInputStreamOperatorTestHarness<String, MetricDelta, MpsMpd> harness;

    @BeforeEach
    void setUp() throws Exception {
        var fn = new MpsMpdFunction("case-metrics-job", SHANGHAI, RETENTION, Duration.ofSeconds(10), Set.of("collision", "dangerous"));
        harness = new KeyedOneInputStreamOperatorTestHarness<>(KeepWatermark.of(fn), MetricDelta::group, Types.STRING);
        harness.setup(TypeInformation.of(MpsMpd.class).createSerializer(harness.getExecutionConfig().getSerializerConfig()));
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void km(String city, double km) throws Exception {
        harness.processElement(MetricDelta.km(DAY, city, km), T);
    }

    private void cases(String city, String trigger, long n) throws Exception {
        harness.processElement(MetricDelta.cases(DAY, city, trigger, n), T);
    }

    /** The last row per (city, trigger type), as an upsert reader sees them; deleted rows are absent. */
    private Map<String, MpsMpd> latest() {
        Map<String, MpsMpd> rows = new LinkedHashMap<>();
        for (MpsMpd r : harness.extractOutputValues()) {
            if (r.op.equals("-D")) rows.remove(r.cityCode + "/" + r.triggerType);
            else rows.put(r.cityCode + "/" + r.triggerType, r);
        }
        return rows;
    }

    @Test
    void figuresByHandIncludingTheAllRow() throws Exception {
        km("SH", 1.0);
        km("SH", 1.5);
        cases("SH", "collision", 1);
        cases("SH", "takeover", 1);
        cases("SH", "takeover", 1);
        assertThat(harness.extractOutputValues()).as("throttled until the emit time").isEmpty();
        harness.processWatermark(T + 10_000);

        Map<String, MpsMpd> rows = latest();
        assertThat(rows.keySet()).containsExactlyInAnyOrder("SH/collision", "SH/takeover", "SH/ALL");
        MpsMpd collision = rows.get("SH/collision");
        assertThat(collision.dateKey).isEqualTo(DAY);
        assertThat(collision.caseCount).isEqualTo(1);
        assertThat(collision.dangerousCaseCount).isEqualTo(1);
        assertThat(collision.totalMiles).isCloseTo(2.5, within(1e-12));
        assertThat(collision.mps).isCloseTo(4_000, within(1e-9));   // 1 × 10000 / 2.5
        assertThat(collision.mpd).isCloseTo(4_000, within(1e-9));
        MpsMpd takeover = rows.get("SH/takeover");
        assertThat(takeover.caseCount).isEqualTo(2);
        assertThat(takeover.mps).isCloseTo(8_000, within(1e-9));
        assertThat(takeover.mpd).as("not a dangerous type").isZero();
        MpsMpd all = rows.get("SH/ALL");
        assertThat(all.caseCount).isEqualTo(3);
        assertThat(all.dangerousCaseCount).isEqualTo(1);
        assertThat(all.mps).isCloseTo(12_000, within(1e-9));
        assertThat(all.mpd).isCloseTo(4_000, within(1e-9));
        assertThat(harness.extractOutputValues()).extracting(r -> r.op).containsOnly("+I");
    }

    @Test
    void zeroKilometresGiveZeroRatesAndKilometresAloneGiveAnAllRow() throws Exception {
        cases("BJ", "dangerous", 2);
        km("SH", 3.0);
        harness.processWatermark(T + 10_000);

        Map<String, MpsMpd> rows = latest();
        assertThat(rows.get("BJ/dangerous").mps).isZero();
        assertThat(rows.get("BJ/dangerous").mpd).isZero();
        assertThat(rows.get("BJ/ALL").caseCount).isEqualTo(2);
        assertThat(rows.get("SH/ALL").caseCount).isZero();
        assertThat(rows.get("SH/ALL").totalMiles).isEqualTo(3.0);
        assertThat(rows).hasSize(3);
    }

    @Test
    void rowsUpdateAndATriggerTypeLeftWithoutCasesIsDeleted() throws Exception {
        km("SH", 2.0);
        cases("SH", "takeover", 1);
        cases("SH", "collision", 1);
        harness.processWatermark(T + 10_000);
        int first = harness.extractOutputValues().size();

        cases("SH", "takeover", -1); // the case moved to another day or city
        km("SH", 2.0);
        harness.processWatermark(T + 20_000);
        List<MpsMpd> second = harness.extractOutputValues().subList(first, harness.extractOutputValues().size());
        assertThat(second).extracting(r -> r.op + r.triggerType).containsExactlyInAnyOrder("-Dtakeover", "+Ucollision", "+UALL");
        assertThat(latest().get("SH/ALL").caseCount).isEqualTo(1);
        assertThat(latest().get("SH/ALL").mps).isCloseTo(2_500, within(1e-9));
    }

    @Test
    void aGroupIsFinalAfterItsDayPlusTheRetentionThenLaterChangesAreDeadLetters() throws Exception {
        km("SH", 2.0);
        cases("SH", "collision", 1);
        long finalAt = NEXT_DAY_START * 1000 + RETENTION.toMillis();
        harness.processWatermark(finalAt - 1);
        int emitted = harness.extractOutputValues().size();
        harness.processWatermark(finalAt);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();

        cases("SH", "collision", 1);
        harness.processWatermark(finalAt + 60_000);
        assertThat(harness.extractOutputValues()).hasSize(emitted);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.getSideOutput(MpsMpdFunction.LATE)).singleElement().satisfies(r -> {
            assertThat(r.getValue().reason).isEqualTo("late");
            assertThat(r.getValue().stream).isEqualTo("case_metrics");
            assertThat(r.getValue().raw).isEqualTo("{\"date_key\":\"" + DAY + "\",\"city_code\":\"SH\",\"trigger_type\":\"collision\",\"cases\":1}");
        });
    }
}
