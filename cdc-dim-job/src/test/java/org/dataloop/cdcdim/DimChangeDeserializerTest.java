package org.dataloop.cdcdim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Schema;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Struct;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.source.SourceRecord;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.junit.jupiter.api.Test;

import org.dataloop.common.parse.Parsed;

/** Debezium's record layout (envelope with before/after/source/op) → rows; the records are built as the connector builds them. */
class DimChangeDeserializerTest {
    private static final Schema CARS = SchemaBuilder.struct().name("fleet.cars.Value").optional()
            .field("car_id", Schema.STRING_SCHEMA)
            .field("car_type", Schema.OPTIONAL_STRING_SCHEMA)
            .field("car_model", Schema.OPTIONAL_STRING_SCHEMA)
            .field("updated_at", SchemaBuilder.int64().name("io.debezium.time.Timestamp").optional().build())
            .build();
    private static final Schema CARS_WITH_COLOR = SchemaBuilder.struct().name("fleet.cars.Value").optional()
            .field("car_id", Schema.STRING_SCHEMA)
            .field("car_type", Schema.OPTIONAL_STRING_SCHEMA)
            .field("car_model", Schema.OPTIONAL_STRING_SCHEMA)
            .field("updated_at", SchemaBuilder.int64().name("io.debezium.time.Timestamp").optional().build())
            .field("color", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    private static final Schema SOURCE = SchemaBuilder.struct().field("db", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA)
            .field("file", Schema.OPTIONAL_STRING_SCHEMA).field("pos", Schema.OPTIONAL_INT64_SCHEMA).build();

    private final DimChangeDeserializer mysql = new DimChangeDeserializer("cdc-dim-job", DimTables.of(DimTable.Source.MYSQL), "UTC");

    private static SourceRecord record(Schema row, String table, String op, Struct before, Struct after) {
        Schema envelope = SchemaBuilder.struct().field("before", row).field("after", row).field("source", SOURCE)
                .field("op", Schema.STRING_SCHEMA).build();
        Struct v = new Struct(envelope).put("before", before).put("after", after).put("op", op)
                .put("source", new Struct(SOURCE).put("db", "fleet").put("table", table).put("file", "mysql-bin.000003").put("pos", 4711L));
        return new SourceRecord(Map.of(), Map.of(), "fleet." + table, null, null, envelope, v);
    }

    private static Struct car(String id, String model, Long updatedAt) {
        return new Struct(CARS).put("car_id", id).put("car_type", "robotaxi").put("car_model", model).put("updated_at", updatedAt);
    }

    private List<Parsed<DimRow>> parsed(SourceRecord r) throws Exception {
        List<Parsed<DimRow>> out = new ArrayList<>();
        mysql.deserialize(r, new ListCollector<>(out));
        return out;
    }

    private List<DimRow> rows(SourceRecord r) throws Exception {
        List<Parsed<DimRow>> out = parsed(r);
        assertThat(out).allMatch(Parsed::isValid);
        return out.stream().map(p -> p.event).toList();
    }

    /** cars as a source that keeps updated_at as text: each row's text decides whether it is a time. */
    private static final Schema CARS_TEXT_TIME = SchemaBuilder.struct().name("fleet.cars.Value").optional()
            .field("car_id", Schema.STRING_SCHEMA)
            .field("car_type", Schema.OPTIONAL_STRING_SCHEMA)
            .field("car_model", Schema.OPTIONAL_STRING_SCHEMA)
            .field("updated_at", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    private static final Schema CITY_AREA = SchemaBuilder.struct().name("fleet.city_area.Value").optional()
            .field("city_name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("area_name", Schema.STRING_SCHEMA)
            .field("city_code", Schema.OPTIONAL_STRING_SCHEMA)
            .field("area_code", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    private static Struct textCar(String id, String updatedAt) {
        return new Struct(CARS_TEXT_TIME).put("car_id", id).put("car_type", "robotaxi").put("car_model", "M1").put("updated_at", updatedAt);
    }

    @Test
    void aValueTheLakeCannotTakeIsADeadLetterAndTheChangesAroundItGoOn() throws Exception {
        assertThat(rows(record(CARS_TEXT_TIME, "cars", "c", null, textCar("car-1", "2026-11-20T00:00:00Z"))))
                .containsExactly(new DimRow("dim_car", "+I", new String[] {"car-1", "robotaxi", "M1", "1795132800000"}));

        List<Parsed<DimRow>> bad = parsed(record(CARS_TEXT_TIME, "cars", "u", textCar("car-1", "2026-11-20T00:00:00Z"), textCar("car-1", "yesterday")));
        assertThat(bad).hasSize(1);
        assertThat(bad.get(0).isValid()).isFalse();
        assertThat(bad.get(0).deadLetter.reason).isEqualTo("bad_value");
        assertThat(bad.get(0).deadLetter.stream).isEqualTo("dim_car");
        assertThat(bad.get(0).deadLetter.detail).isEqualTo("column 'updated_at' of source table fleet.cars holds 'yesterday', which is no "
                + "time for lake column dim_car.updated_at (epoch ms or an ISO-8601 instant)");
        assertThat(bad.get(0).deadLetter.raw).contains("\"op\":\"u\"").contains("\"updated_at\":\"yesterday\"")
                .contains("\"source\":{\"file\":\"mysql-bin.000003\",\"pos\":\"4711\"}");

        // the next change of that row, from the version the lake never got, still applies (its key is all the lake needs)
        assertThat(rows(record(CARS_TEXT_TIME, "cars", "u", textCar("car-1", "yesterday"), textCar("car-1", "1795219200000"))))
                .containsExactly(new DimRow("dim_car", "+U", new String[] {"car-1", "robotaxi", "M1", "1795219200000"}));
        assertThat(rows(record(CARS_TEXT_TIME, "cars", "d", textCar("car-1", "yesterday"), null)))
                .containsExactly(new DimRow("dim_car", "-D", new String[] {"car-1", "robotaxi", "M1", null}));
    }

    @Test
    void aNullInAKeyColumnIsADeadLetterAndItsDeleteHasNothingToDelete() throws Exception {
        Struct noCity = new Struct(CITY_AREA).put("area_name", "Pudong").put("city_code", "SH").put("area_code", "PD");
        List<Parsed<DimRow>> out = parsed(record(CITY_AREA, "city_area", "c", null, noCity));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).deadLetter.detail).isEqualTo("key column 'city_name' of source table fleet.city_area is NULL, which lake "
                + "table dim_city_area cannot key");
        assertThat(rows(record(CITY_AREA, "city_area", "d", noCity, null))).isEmpty();
        // a row whose change the lake cannot take leaves its old key: the old row goes, the change is a dead letter
        Struct minhang = new Struct(CITY_AREA).put("city_name", "Shanghai").put("area_name", "Minhang").put("city_code", "SH").put("area_code", "MH");
        Struct minhangNoCity = new Struct(CITY_AREA).put("area_name", "Minhang").put("city_code", "SH").put("area_code", "MH");
        List<Parsed<DimRow>> moved = parsed(record(CITY_AREA, "city_area", "u", minhang, minhangNoCity));
        assertThat(moved).filteredOn(p -> !p.isValid()).hasSize(1);
        assertThat(moved).filteredOn(Parsed::isValid).extracting(p -> p.event)
                .containsExactly(new DimRow("dim_city_area", "-D", new String[] {"Shanghai", "Minhang", "SH", "MH"}));
        // a key that changes from NULL: only the new row
        Struct withCity = new Struct(CITY_AREA).put("city_name", "Shanghai").put("area_name", "Pudong").put("city_code", "SH").put("area_code", "PD");
        assertThat(rows(record(CITY_AREA, "city_area", "u", noCity, withCity)))
                .containsExactly(new DimRow("dim_city_area", "+U", new String[] {"Shanghai", "Pudong", "SH", "PD"}));
    }

    @Test
    void changesOfTheCapturedTablesBecomeRows() throws Exception {
        long ms = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
        assertThat(rows(record(CARS, "cars", "r", null, car("car-1", "M1", ms))))
                .containsExactly(new DimRow("dim_car", "+I", new String[] {"car-1", "robotaxi", "M1", Long.toString(ms)}));
        assertThat(rows(record(CARS, "cars", "u", car("car-1", "M1", null), car("car-1", "M2", null))))
                .containsExactly(new DimRow("dim_car", "+U", new String[] {"car-1", "robotaxi", "M2", null}));
        assertThat(rows(record(CARS, "cars", "d", car("car-1", "M2", null), null)))
                .containsExactly(new DimRow("dim_car", "-D", new String[] {"car-1", "robotaxi", "M2", null}));
    }

    @Test
    void otherTablesTombstonesAndNonDataRecordsAreSkipped() throws Exception {
        assertThat(rows(record(CARS, "drivers", "c", null, car("x", "y", null)))).isEmpty();
        assertThat(rows(new SourceRecord(Map.of(), Map.of(), "fleet.cars", null, null, null, null))).isEmpty(); // tombstone
        Schema heartbeat = SchemaBuilder.struct().field("ts_ms", Schema.INT64_SCHEMA).build();
        assertThat(rows(new SourceRecord(Map.of(), Map.of(), "__heartbeat", null, null, heartbeat, new Struct(heartbeat).put("ts_ms", 1L)))).isEmpty();
    }

    @Test
    void aNewSourceColumnFailsTheJobWithoutRestarts() {
        Struct after = new Struct(CARS_WITH_COLOR).put("car_id", "car-2").put("color", "red");
        assertThatThrownBy(() -> rows(record(CARS_WITH_COLOR, "cars", "c", null, after)))
                .isInstanceOf(SuppressRestartsException.class)
                .cause().isInstanceOf(SourceSchemaException.class)
                .hasMessageContaining("source table fleet.cars has a new column 'color'");
    }

    @Test
    void producesAFlinkPojo() {
        assertThat(mysql.getProducedType().getClass().getSimpleName()).isEqualTo("PojoTypeInfo");
        assertThat(((org.apache.flink.api.java.typeutils.PojoTypeInfo<?>) mysql.getProducedType()).getTypeAt("event").getClass().getSimpleName())
                .isEqualTo("PojoTypeInfo");
    }
}
