package org.dataloop.laketodoris;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import org.dataloop.common.parse.JsonParsers;

/** By hand, from the shipped DDL of dws_daily_auto_rate: what Doris in strict mode refuses. */
class DorisRefusalsTest {
    private static final LocalDate TODAY = LocalDate.of(2026, 12, 2);
    private final DorisRefusals refusals = new DorisRefusals(
            DdlScript.tables(Map.of("database", "d", "replication_num", "1", "buckets", "1", "history_days", "730", "timezone", "Asia/Shanghai")).get("dws_daily_auto_rate"),
            730, ZoneId.of("Asia/Shanghai"));

    private static JsonNode row(String date, String city, String car) throws Exception {
        return JsonParsers.MAPPER.readTree("{\"date_key\":\"" + date + "\",\"city_code\":" + (city == null ? "null" : "\"" + city + "\"")
                + ",\"area_code\":\"PD\",\"route_code\":\"r1\",\"car_id\":\"" + car + "\",\"total_duration_seconds\":10,"
                + "\"auto_duration_seconds\":5,\"auto_rate\":0.5,\"total_miles\":1.0,\"auto_miles\":0.5,\"__DORIS_DELETE_SIGN__\":0}");
    }

    @Test
    void aRowInsideEveryRuleIsTaken() throws Exception {
        assertThat(refusals.refusal(row("2026-11-20", "SH", "car-1"), TODAY)).isNull();
        assertThat(refusals.refusal(row("2024-12-02", "x".repeat(128), "车".repeat(64)), TODAY)).as("the edges").isNull();
        assertThat(refusals.refusal(row("2026-12-05", "SH", "car-1"), TODAY)).as("3 days ahead").isNull();
    }

    @Test
    void nullsLengthsInBytesAndDatesWithoutAPartitionAreRefused() throws Exception {
        assertThat(refusals.refusal(row("2026-11-20", null, "car-1"), TODAY)).isEqualTo("null value for not null column, column=city_code");
        assertThat(refusals.refusal(row("2026-11-20", "x".repeat(129), "car-1"), TODAY))
                .isEqualTo("the length of input is too long than schema. column_name: city_code; schema length: 128; actual length: 129");
        // 43 characters, 129 bytes
        assertThat(refusals.refusal(row("2026-11-20", "浦".repeat(43), "car-1"), TODAY)).contains("actual length: 129");
        assertThat(refusals.refusal(row("2001-01-01", "SH", "car-1"), TODAY))
                .startsWith("no partition for this tuple: date_key=2001-01-01 (table dws_daily_auto_rate keeps partitions from 2024-12-02 to 2026-12-05)");
        assertThat(refusals.refusal(row("2024-12-01", "SH", "car-1"), TODAY)).startsWith("no partition for this tuple");
        assertThat(refusals.refusal(row("2026-12-06", "SH", "car-1"), TODAY)).startsWith("no partition for this tuple");
    }
}
