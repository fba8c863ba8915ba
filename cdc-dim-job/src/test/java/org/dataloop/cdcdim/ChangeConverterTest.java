package org.dataloop.cdcdim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.dataloop.cdcdim.ChangeConverter.SourceValue;

class ChangeConverterTest {
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final DimTable CAR = DimTables.DIM_CAR;

    private static String[] car(String id, String type, String model, String updatedAt) {
        return new String[] {id, type, model, updatedAt};
    }

    @Test
    void snapshotReadsAndInsertsAreInsertsUpdatesAreUpsertsDeletesRemoveTheBeforeImage() {
        String[] a = car("car-1", "robotaxi", "M1", "1000");
        String[] b = car("car-1", "robotaxi", "M2", "2000");
        assertThat(ChangeConverter.toRows(CAR, "r", null, a)).containsExactly(new DimRow("dim_car", "+I", a));
        assertThat(ChangeConverter.toRows(CAR, "c", null, a)).containsExactly(new DimRow("dim_car", "+I", a));
        assertThat(ChangeConverter.toRows(CAR, "u", a, b)).containsExactly(new DimRow("dim_car", "+U", b));
        assertThat(ChangeConverter.toRows(CAR, "u", null, b)).containsExactly(new DimRow("dim_car", "+U", b)); // no before image
        assertThat(ChangeConverter.toRows(CAR, "d", b, null)).containsExactly(new DimRow("dim_car", "-D", b));
        assertThatThrownBy(() -> ChangeConverter.toRows(CAR, "t", a, b)).hasMessageContaining("unknown Debezium op 't'");
    }

    @Test
    void anUpdateOfThePrimaryKeyDeletesTheOldKeyAndInsertsTheNewOne() {
        String[] a = car("car-1", "robotaxi", "M1", "1000");
        String[] b = car("car-9", "robotaxi", "M1", "2000");
        assertThat(ChangeConverter.toRows(CAR, "u", a, b))
                .containsExactly(new DimRow("dim_car", "-D", a), new DimRow("dim_car", "+I", b));
        // composite key: one part changes
        String[] x = {"Shanghai", "Pudong", "SH", "PD"};
        String[] y = {"Shanghai", "Minhang", "SH", "MH"};
        assertThat(ChangeConverter.toRows(DimTables.DIM_CITY_AREA, "u", x, y)).extracting(r -> r.op).containsExactly("-D", "+I");
    }

    @Test
    void valuesComeInLakeColumnOrderWithTimesAsEpochMillis() {
        long wallClockMs = LocalDateTime.of(2026, 11, 20, 8, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
        Map<String, SourceValue> row = new LinkedHashMap<>();
        row.put("updated_at", new SourceValue(wallClockMs, ChangeConverter.TIMESTAMP)); // DATETIME(3)
        row.put("car_model", SourceValue.of("M1"));
        row.put("car_type", SourceValue.of(null));
        row.put("car_id", SourceValue.of("car-1"));
        // a DATETIME is a wall clock in the server's zone: 08:00 in Shanghai is 00:00 UTC
        assertThat(ChangeConverter.values(CAR, "fleet.cars", row, SHANGHAI)).containsExactly("car-1", null, "M1",
                Long.toString(Instant.parse("2026-11-20T00:00:00Z").toEpochMilli()));
        assertThat(ChangeConverter.values(CAR, "fleet.cars", row, UTC)[3]).isEqualTo(Long.toString(wallClockMs));
    }

    @Test
    void typeMappingOfEveryTimeRepresentation() {
        DimTable.Col updatedAt = CAR.columns().get(3);
        long ms = Instant.parse("2026-11-20T01:02:03.456Z").toEpochMilli();
        assertThat(value(updatedAt, ms * 1000, ChangeConverter.MICRO_TIMESTAMP, UTC)).isEqualTo(Long.toString(ms));      // DATETIME(6), timestamp
        assertThat(value(updatedAt, ms * 1_000_000, ChangeConverter.NANO_TIMESTAMP, UTC)).isEqualTo(Long.toString(ms));
        assertThat(value(updatedAt, "2026-11-20T01:02:03.456Z", ChangeConverter.ZONED_TIMESTAMP, SHANGHAI)).isEqualTo(Long.toString(ms)); // TIMESTAMP, timestamptz
        assertThat(value(updatedAt, "2026-11-20T09:02:03.456+08:00", ChangeConverter.ZONED_TIMESTAMP, UTC)).isEqualTo(Long.toString(ms));
        assertThat(value(updatedAt, 20412, ChangeConverter.DATE, UTC)) // DATE 2025-11-20
                .isEqualTo(Long.toString(Instant.parse("2025-11-20T00:00:00Z").toEpochMilli()));
        assertThat(value(updatedAt, ms, null, SHANGHAI)).isEqualTo(Long.toString(ms)); // BIGINT epoch ms: as it is
        assertThat(value(updatedAt, 7, null, UTC)).isEqualTo("7");                     // INT
        assertThat(value(updatedAt, " 12 ", null, UTC)).isEqualTo("12");               // digits in a text column
        assertThat(value(updatedAt, null, ChangeConverter.TIMESTAMP, UTC)).isNull();

        DimTable.Col model = CAR.columns().get(2);
        assertThat(value(model, "M1", null, UTC)).isEqualTo("M1");
        assertThat(value(model, 42L, null, UTC)).isEqualTo("42");
        assertThat(value(model, new java.math.BigDecimal("1.50"), null, UTC)).isEqualTo("1.50");
        assertThat(value(model, true, null, UTC)).isEqualTo("true");
    }

    @Test
    void aValueTheLakeColumnCannotHoldStopsNamingTableAndColumn() {
        DimTable.Col model = CAR.columns().get(2);
        assertThatThrownBy(() -> value(model, ByteBuffer.wrap(new byte[] {1}), null, UTC))
                .isInstanceOf(SourceSchemaException.class)
                .hasMessageContaining("'car_model'").hasMessageContaining("fleet.cars").hasMessageContaining("binary");
        DimTable.Col updatedAt = CAR.columns().get(3);
        assertThatThrownBy(() -> value(updatedAt, true, null, UTC))
                .isInstanceOf(SourceSchemaException.class).hasMessageContaining("dim_car.updated_at (BIGINT)");
        // text in an epoch column: each row's text decides, so a row that is no time is a dead letter, not a stop
        assertThatThrownBy(() -> value(updatedAt, "yesterday", null, UTC)).isInstanceOf(BadSourceValue.class);
    }

    @Test
    void aColumnAddedOrDroppedAtTheSourceStopsTheJobNamingTableAndColumn() {
        ChangeConverter.checkColumns(CAR, "fleet.cars", List.of("car_id", "car_type", "car_model", "updated_at"));
        ChangeConverter.checkColumns(CAR, "fleet.cars", List.of("updated_at", "car_model", "car_type", "car_id")); // order is free
        assertThatThrownBy(() -> ChangeConverter.checkColumns(CAR, "fleet.cars",
                List.of("car_id", "car_type", "car_model", "updated_at", "color")))
                .isInstanceOf(SourceSchemaException.class)
                .hasMessageContaining("source table fleet.cars has a new column 'color'").hasMessageContaining("lake table dim_car");
        assertThatThrownBy(() -> ChangeConverter.checkColumns(CAR, "fleet.cars", List.of("car_id", "car_type", "updated_at")))
                .isInstanceOf(SourceSchemaException.class)
                .hasMessageContaining("source table fleet.cars has no column 'car_model'");
    }

    private static String value(DimTable.Col c, Object v, String semantic, ZoneId zone) {
        return ChangeConverter.value(CAR, "fleet.cars", c, new SourceValue(v, semantic), zone);
    }
}
