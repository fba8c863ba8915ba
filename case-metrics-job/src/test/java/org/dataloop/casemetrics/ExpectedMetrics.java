package org.dataloop.casemetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;

/** The MPS/MPD rows of the end-to-end scenario ({@link CaseTestData#e2eHeartbeats()}), computed by hand. */
final class ExpectedMetrics {
    private ExpectedMetrics() {}

    /** city/trigger → {case_count, dangerous_case_count, total_miles, mps, mpd}. */
    static final Map<String, double[]> ROWS = Map.of(
            // Shanghai: 0.6 km (car-1); case-1 collision (dangerous), case-2 takeover
            "SH/collision", new double[] {1, 1, 0.6, 1e4 / 0.6, 1e4 / 0.6},
            "SH/takeover", new double[] {1, 0, 0.6, 1e4 / 0.6, 0},
            "SH/ALL", new double[] {2, 1, 0.6, 2e4 / 0.6, 1e4 / 0.6},
            // Beijing (raw code): 0.6 km (car-2); case-3 dangerous
            "Beijing/dangerous", new double[] {1, 1, 0.6, 1e4 / 0.6, 1e4 / 0.6},
            "Beijing/ALL", new double[] {1, 1, 0.6, 1e4 / 0.6, 1e4 / 0.6},
            // case-4 has no heartbeat: UNKNOWN city, no km, so rates are 0
            "UNKNOWN/other", new double[] {1, 0, 0, 0, 0},
            "UNKNOWN/ALL", new double[] {1, 0, 0, 0, 0});

    static void assertRow(String cityAndTrigger, Map<String, Object> row) {
        double[] want = ROWS.get(cityAndTrigger);
        assertThat(want).as("an expected row for %s", cityAndTrigger).isNotNull();
        assertThat(row.get("date_key")).isEqualTo(CaseTestData.DAY);
        assertThat(((Number) row.get("case_count")).longValue()).as(cityAndTrigger).isEqualTo((long) want[0]);
        assertThat(((Number) row.get("dangerous_case_count")).longValue()).as(cityAndTrigger).isEqualTo((long) want[1]);
        assertThat(((Number) row.get("total_miles")).doubleValue()).as(cityAndTrigger).isCloseTo(want[2], within(1e-9));
        assertThat(((Number) row.get("mps")).doubleValue()).as(cityAndTrigger).isCloseTo(want[3], within(1e-6));
        assertThat(((Number) row.get("mpd")).doubleValue()).as(cityAndTrigger).isCloseTo(want[4], within(1e-6));
    }
}
