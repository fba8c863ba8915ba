package org.dataloop.common.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.dataloop.common.testing.FuzzRecords;

/** 20,000 seeded mutations of valid records per stream: each gives the dead letter its mutation must give, none throws. */
class ParserFuzzTest {

    static Stream<Arguments> streams() {
        return Stream.of(
                Arguments.of(new HeartbeatParser(), FuzzRecords.HEARTBEAT, List.of(
                        "{\"car_id\":\"car-1\",\"ts_second\":1763568000,\"driving_mode\":\"Auto\",\"speed\":36.5}",
                        "{\"car_id\":\"车-7\",\"ts_second\":1763568001,\"driving_mode\":\"Manual\",\"speed\":0,\"road_type\":\"urban\","
                                + "\"task_id\":\"t-1\",\"task_status\":\"running\",\"city\":\"上海\",\"area\":\"浦东\",\"route_id\":\"r-9\"}")),
                Arguments.of(new PoseParser(), FuzzRecords.POSE, List.of(
                        "{\"car_id\":\"car-1\",\"timestamp_ms\":1763568000123,\"speed\":10,\"acceleration_longitudinal\":-4.5}",
                        "{\"car_id\":\"car-2\",\"timestamp_ms\":1763568000223,\"speed\":12.5,\"acceleration_longitudinal\":0.5,"
                                + "\"latitude\":31.2,\"longitude\":121.5,\"acceleration_lateral\":0.1,\"heading\":90,"
                                + "\"angular_velocity\":0.01,\"steering_angle\":-3,\"throttle\":0.2,\"brake\":0}")),
                Arguments.of(new CaseChunkParser(), FuzzRecords.CASE_MAPPING, List.of(
                        "{\"case_id\":\"case-1\",\"chunk_id\":\"c-1\",\"car_id\":\"car-1\",\"start_ts\":1763568000000,"
                                + "\"end_ts\":1763568060000,\"trigger_type\":\"hard_brake\"}",
                        "{\"case_id\":\"case-2\",\"chunk_id\":\"c-9\",\"car_id\":\"car-3\",\"start_ts\":1763568000000,"
                                + "\"end_ts\":1763568000000,\"trigger_type\":\"manual\",\"file_path\":\"s3://b/k\",\"file_size\":0,"
                                + "\"data_type\":\"lidar\",\"upload_time\":1763568100000}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streams")
    void everyMutationGivesItsDeadLetter(RecordParser<?> parser, List<FuzzRecords.Field> schema, List<String> valid) {
        Map<String, Integer> tried = new TreeMap<>();
        for (FuzzRecords.Message m : FuzzRecords.mix(valid, 20_000, 42, schema)) {
            Parsed<?> p = parser.parse("fuzz", m.value());
            String what = m.mutation() + ": " + new String(m.value(), 0, Math.min(m.value().length, 300), java.nio.charset.StandardCharsets.UTF_8);
            if (m.reason() == null) {
                assertThat(p.isValid()).as(what).isTrue();
            } else {
                assertThat(p.deadLetter).as(what).isNotNull();
                assertThat(p.deadLetter.reason).as(what + " -> " + p.deadLetter.detail).isEqualTo(m.reason());
                assertThat(p.deadLetter.stream).isEqualTo(parser.stream());
                assertThat(p.deadLetter.raw.length()).isLessThanOrEqualTo(64 * 1024);
                tried.merge(m.mutation(), 1, Integer::sum);
            }
        }
        System.out.println("FUZZ " + parser.stream() + ": " + tried);
        assertThat(tried.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(20_000);
    }
}
