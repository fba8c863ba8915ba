package org.dataloop.common.parse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.dataloop.common.event.Heartbeat;

class HeartbeatParserTest {
    private final HeartbeatParser parser = new HeartbeatParser();

    @Test
    void parsesAValidHeartbeatAndIgnoresUnknownFields() {
        Parsed<Heartbeat> p = parser.parse("job", "{\"car_id\":\"car-1\",\"ts_second\":1763568000,\"driving_mode\":\"Auto\","
                + "\"speed\":36.5,\"city\":\"Shanghai\",\"area\":\"Pudong\",\"route_id\":\"r1\",\"extra\":{\"x\":1}}");
        assertThat(p.isValid()).isTrue();
        assertThat(p.eventTimeMs).isEqualTo(1763568000_000L);
        Heartbeat h = p.event;
        assertThat(h.carId).isEqualTo("car-1");
        assertThat(h.speed).isEqualTo(36.5);
        assertThat(h.city).isEqualTo("Shanghai");
        assertThat(h.taskId).isNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"car_id\":\"c\",\"ts_second\":1763568000,\"driving_mode\":\"Auto\"}                        | missing_field  | speed is required",
            "{\"ts_second\":1763568000,\"driving_mode\":\"Auto\",\"speed\":1}                              | missing_field  | car_id is required",
            "{\"car_id\":\"\",\"ts_second\":1763568000,\"driving_mode\":\"Auto\",\"speed\":1}              | bad_value      | car_id must have 1..64",
            "{\"car_id\":\"c\",\"ts_second\":946684799,\"driving_mode\":\"Auto\",\"speed\":1}              | bad_value      | ts_second must be in",
            "{\"car_id\":\"c\",\"ts_second\":4102444800,\"driving_mode\":\"Auto\",\"speed\":1}             | bad_value      | ts_second must be in",
            "{\"car_id\":\"c\",\"ts_second\":1763568000,\"driving_mode\":\"\",\"speed\":1}                 | bad_value      | driving_mode",
            "{\"car_id\":\"c\",\"ts_second\":1763568000,\"driving_mode\":\"Auto\",\"speed\":250.5}         | bad_value      | speed must be in",
            "{\"car_id\":\"c\",\"ts_second\":1763568000,\"driving_mode\":\"Auto\",\"speed\":-1}            | bad_value      | speed must be in",
            "{\"car_id\":\"c\",\"ts_second\":1763568000,\"driving_mode\":\"Auto\",\"speed\":\"fast\"}      | bad_value      | speed must be a number",
            "{\"car_id\":\"c\",\"ts_second\":\"x\",\"driving_mode\":\"Auto\",\"speed\":1}                  | bad_value      | ts_second must be a whole number",
            "{\"car_id\":\"c\",\"ts_second\":1763568000,                                                   | malformed_json | ",
            "[1,2]                                                                                         | malformed_json | not a JSON object",
    })
    void rejectsBadRecordsWithTheReason(String raw, String reason, String detail) {
        Parsed<Heartbeat> p = parser.parse("heartbeat-job", raw);
        assertThat(p.isValid()).isFalse();
        assertThat(p.eventTimeMs).isEqualTo(Long.MIN_VALUE);
        assertThat(p.deadLetter.reason).isEqualTo(reason);
        assertThat(p.deadLetter.stream).isEqualTo("heartbeat");
        assertThat(p.deadLetter.job).isEqualTo("heartbeat-job");
        assertThat(p.deadLetter.raw).isEqualTo(raw);
        if (detail != null) assertThat(p.deadLetter.detail).contains(detail);
    }

    private static final String VALID_START = "{\"car_id\":\"c\",\"ts_second\":1763568000,\"driving_mode\":\"Auto\"";

    /** The contract's type column is strict: each case is a sender bug that must be seen, not a value to guess at. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            ",\"speed\":\"36\"                       | speed must be a number, got a string",
            ",\"speed\":\"NaN\"                      | speed must be a number, got a string",
            ",\"speed\":true                         | speed must be a number, got a boolean",
            ",\"speed\":1e309                        | speed must be finite, got Infinity",
            ",\"speed\":1,\"city\":36                | city must be a string, got 36",
            ",\"speed\":1,\"route_id\":false         | route_id must be a string, got a boolean",
            ",\"speed\":1,\"speed\":2                | speed appears more than once",
            ",\"speed\":1,\"car_id\":\"c2\"          | car_id appears more than once",
            ",\"speed\":1,\"city\":null,\"city\":\"x\" | city appears more than once",
    })
    void rejectsWrongTypesAndRepeatedFieldsAsBadValues(String rest, String detail) {
        Parsed<Heartbeat> p = parser.parse("j", VALID_START + rest + "}");
        assertThat(p.deadLetter).isNotNull();
        assertThat(p.deadLetter.reason).isEqualTo("bad_value");
        assertThat(p.deadLetter.detail).isEqualTo(detail);
    }

    @Test
    void rejectsAFractionOrAnOutOfRangeIntegerWhereAWholeNumberBelongs() {
        Parsed<Heartbeat> fraction = parser.parse("j", "{\"car_id\":\"c\",\"ts_second\":1763568000.5,\"driving_mode\":\"Auto\",\"speed\":1}");
        assertThat(fraction.deadLetter.detail).isEqualTo("ts_second must be a whole number, got 1.7635680005E9");
        Parsed<Heartbeat> huge = parser.parse("j", "{\"car_id\":\"c\",\"ts_second\":17635680000000000000000,\"driving_mode\":\"Auto\",\"speed\":1}");
        assertThat(huge.deadLetter.detail).isEqualTo("ts_second must be a whole number, got a whole number out of range");
    }

    /** Strings are bounded in UTF-8 bytes by the Doris column they may reach (VARCHAR(128) for names and codes). */
    @Test
    void boundsStringsByTheirUtf8Size() {
        String city128 = "a".repeat(128);
        assertThat(parser.parse("j", VALID_START + ",\"speed\":1,\"city\":\"" + city128 + "\"}").isValid()).isTrue();
        Parsed<Heartbeat> ascii129 = parser.parse("j", VALID_START + ",\"speed\":1,\"city\":\"" + city128 + "b\"}");
        assertThat(ascii129.deadLetter.detail).isEqualTo("city must have at most 128 bytes in UTF-8, has more");
        // 43 characters of 3 bytes each: 129 bytes in UTF-8, though only 43 characters
        Parsed<Heartbeat> cjk = parser.parse("j", VALID_START + ",\"speed\":1,\"area\":\"" + "浦".repeat(43) + "\"}");
        assertThat(cjk.deadLetter.detail).isEqualTo("area must have at most 128 bytes in UTF-8, has more");
        assertThat(parser.parse("j", VALID_START + ",\"speed\":1,\"area\":\"" + "浦".repeat(42) + "\"}").isValid()).isTrue();
        Parsed<Heartbeat> mega = parser.parse("j", VALID_START + ",\"speed\":1,\"city\":\"" + "x".repeat(1 << 20) + "\"}");
        assertThat(mega.deadLetter.reason).isEqualTo("bad_value");
        // car_id: the contract's 64 characters (code points), so up to 256 bytes: 64 emoji are 128 UTF-16 units
        String emoji = new String(Character.toChars(0x1F697));
        assertThat(parser.parse("j", "{\"car_id\":\"" + emoji.repeat(64) + "\",\"ts_second\":1763568000,\"driving_mode\":\"Auto\",\"speed\":1}")
                .isValid()).isTrue();
        assertThat(parser.parse("j", "{\"car_id\":\"" + "车".repeat(64) + "\",\"ts_second\":1763568000,\"driving_mode\":\"Auto\",\"speed\":1}")
                .isValid()).isTrue();
        assertThat(parser.parse("j", "{\"car_id\":\"" + "c".repeat(65) + "\",\"ts_second\":1763568000,\"driving_mode\":\"Auto\",\"speed\":1}")
                .deadLetter.detail).isEqualTo("car_id must have 1..64 characters, has 65");
        Parsed<Heartbeat> lone = parser.parse("j", VALID_START + ",\"speed\":1,\"city\":\"a\\ud800b\"}");
        assertThat(lone.deadLetter.detail).isEqualTo("city is not valid Unicode (an unpaired surrogate)");
    }

    @Test
    void truncatesHugeRawTextAt64KiB() {
        String raw = "{" + "x".repeat(100_000);
        Parsed<Heartbeat> p = parser.parse("j", raw);
        assertThat(p.deadLetter.reason).isEqualTo("malformed_json");
        assertThat(p.deadLetter.raw).hasSize(64 * 1024);
    }

    @Test
    void rejectsNestedValuesAndTrailingGarbage() {
        Parsed<Heartbeat> nested = parser.parse("j", "{\"car_id\":{\"id\":1},\"ts_second\":1763568000,\"driving_mode\":\"Auto\",\"speed\":1}");
        assertThat(nested.deadLetter.reason).isEqualTo("bad_value");
        assertThat(nested.deadLetter.detail).isEqualTo("car_id must be a string, got an object or array");
        Parsed<Heartbeat> trailing = parser.parse("j", "{\"car_id\":\"c\",\"ts_second\":1763568000,\"driving_mode\":\"Auto\",\"speed\":1} x");
        assertThat(trailing.deadLetter.reason).isEqualTo("malformed_json");
        Parsed<Heartbeat> nullSpeed = parser.parse("j", "{\"car_id\":\"c\",\"ts_second\":1763568000,\"driving_mode\":\"Auto\",\"speed\":null}");
        assertThat(nullSpeed.deadLetter.detail).isEqualTo("speed is required");
    }

    @Test
    void rejectsControlCharactersInNames() {
        Parsed<Heartbeat> p = parser.parse("j", "{\"car_id\":\"c\",\"ts_second\":1763568000,\"driving_mode\":\"Auto\",\"speed\":1,"
                + "\"city\":\"A\\u001fB\"}");
        assertThat(p.deadLetter.reason).isEqualTo("bad_value");
        assertThat(p.deadLetter.detail).isEqualTo("city must not contain control characters");
    }
}
