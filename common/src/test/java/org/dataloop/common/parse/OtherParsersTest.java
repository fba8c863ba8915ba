package org.dataloop.common.parse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OtherParsersTest {
    @Test
    void poseRulesFollowTheContract() {
        PoseParser parser = new PoseParser();
        Parsed<?> ok = parser.parse("j", "{\"car_id\":\"c\",\"timestamp_ms\":1763568000123,\"speed\":10,"
                + "\"acceleration_longitudinal\":-4.5,\"latitude\":31.2,\"longitude\":121.5}");
        assertThat(ok.isValid()).isTrue();
        assertThat(ok.eventTimeMs).isEqualTo(1763568000123L);
        assertThat(parser.parse("j", "{\"car_id\":\"c\",\"timestamp_ms\":1763568000123,\"speed\":10,"
                + "\"acceleration_longitudinal\":-50.5}").deadLetter.detail).contains("acceleration_longitudinal");
        assertThat(parser.parse("j", "{\"car_id\":\"c\",\"timestamp_ms\":1763568000123,\"speed\":10,"
                + "\"acceleration_longitudinal\":1,\"latitude\":91}").deadLetter.detail).contains("latitude");
    }

    @Test
    void caseChunkEndMustNotPrecedeStart() {
        CaseChunkParser parser = new CaseChunkParser();
        String base = "{\"case_id\":\"k\",\"chunk_id\":\"1\",\"car_id\":\"c\",\"trigger_type\":\"collision\",\"start_ts\":1763568000000,";
        assertThat(parser.parse("j", base + "\"end_ts\":1763568000000}").isValid()).isTrue();
        Parsed<?> bad = parser.parse("j", base + "\"end_ts\":1763567999999}");
        assertThat(bad.deadLetter.reason).isEqualTo("bad_value");
        assertThat(bad.deadLetter.detail).contains("end_ts");
        assertThat(parser.parse("j", base + "\"end_ts\":1763568000000,\"file_size\":-1}").deadLetter.detail).contains("file_size");
    }
}
