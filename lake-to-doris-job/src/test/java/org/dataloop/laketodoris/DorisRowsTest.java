package org.dataloop.laketodoris;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;

import org.dataloop.common.tables.CaseMetricsTables;
import org.dataloop.common.tables.HeartbeatTables;
import org.dataloop.laketodoris.testing.TestRows;

class DorisRowsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void changelogKindsMapToUpsertDeleteOrSkip() {
        assertThat(DorisRows.action(RowKind.INSERT)).isEqualTo(DorisRows.Action.UPSERT);
        assertThat(DorisRows.action(RowKind.UPDATE_AFTER)).isEqualTo(DorisRows.Action.UPSERT);
        assertThat(DorisRows.action(RowKind.DELETE)).isEqualTo(DorisRows.Action.DELETE);
        assertThat(DorisRows.action(RowKind.UPDATE_BEFORE)).isEqualTo(DorisRows.Action.SKIP);
        assertThat(DorisRows.action(RowKind.UPDATE_BEFORE, true)).isEqualTo(DorisRows.Action.DELETE);
        assertThat(DorisRows.action(RowKind.INSERT, true)).isEqualTo(DorisRows.Action.UPSERT);
    }

    @Test
    void anUpsertIsEveryColumnByNameWithDeleteSignZero() throws Exception {
        var def = HeartbeatTables.DWS_DAILY_AUTO_RATE;
        String line = DorisRows.toJsonLine(def, TestRows.row(def, RowKind.UPDATE_AFTER,
                "2026-11-20", "SH", "PD", "r\"1\n", "car-1", 100L, 50L, 0.5, 1.25, 0.625));
        assertThat(line).doesNotContain("\n");
        assertThat(JSON.readTree(line).toString()).isEqualTo(
                "{\"date_key\":\"2026-11-20\",\"city_code\":\"SH\",\"area_code\":\"PD\",\"route_code\":\"r\\\"1\\n\",\"car_id\":\"car-1\","
                        + "\"total_duration_seconds\":100,\"auto_duration_seconds\":50,\"auto_rate\":0.5,\"total_miles\":1.25,"
                        + "\"auto_miles\":0.625,\"__DORIS_DELETE_SIGN__\":0}");
    }

    @Test
    void aDeleteCarriesTheRowWithDeleteSignOneAndNullsStayNull() throws Exception {
        var def = CaseMetricsTables.DWD_CASE_DETAIL;
        String line = DorisRows.toJsonLine(def, TestRows.row(def, RowKind.DELETE, "case-1", "car-1", "2026-01-02", 1L, 2L, "collision",
                null, null, 3L, 1L, "SH", "PD", "r1", null, null, null, null));
        var node = JSON.readTree(line);
        assertThat(node.get("__DORIS_DELETE_SIGN__").asInt()).isEqualTo(1);
        assertThat(node.get("data_type").isNull()).isTrue();
        assertThat(node.get("date_key").asText()).isEqualTo("2026-01-02");
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).isEqualTo(DorisRows.loadColumns(def));
    }

    @Test
    void updateBeforeIsSkippedUnlessItMustDelete() throws Exception {
        var def = CaseMetricsTables.DWS_DAILY_MPS_MPD;
        var before = TestRows.row(def, RowKind.UPDATE_BEFORE, "2026-11-20", "SH", "ALL", 1L, 0L, 10.0, 1.0, 0.0, 1L);
        assertThat(DorisRows.toJsonLine(def, before)).isNull();
        assertThat(DorisRows.toJsonLine(def, before, true)).contains("\"__DORIS_DELETE_SIGN__\":1");

        assertThat(toJsonLines("dws_daily_mps_mpd", before)).isEmpty();
        var caseBefore = TestRows.row(CaseMetricsTables.DWD_CASE_DETAIL, RowKind.UPDATE_BEFORE, "case-1", "car-1", "2026-01-02", 1L, 2L,
                "collision", null, null, 3L, 1L, "SH", "PD", "r1", null, null, null, null);
        assertThat(toJsonLines("dwd_case_detail", caseBefore)).singleElement().asString().contains("\"__DORIS_DELETE_SIGN__\":1");
    }

    @Test
    void everyChangeOfOneCaseHasOneRoutingKeyAlsoWhenItMovesToAnotherDay() throws Exception {
        var key = new DorisRows.UpstreamKey(SyncedTable.byId("dwd_case_detail"));
        // by hand: a case's delete under its old date and its insert under the new one, and another case
        String deleteOld = "{\"case_id\":\"case-1\",\"date_key\":\"2026-01-02\",\"__DORIS_DELETE_SIGN__\":1}";
        String insertNew = "{\"case_id\":\"case-1\",\"date_key\":\"2026-01-01\",\"__DORIS_DELETE_SIGN__\":0}";
        String other = "{\"case_id\":\"case-2\",\"date_key\":\"2026-01-01\",\"__DORIS_DELETE_SIGN__\":0}";
        assertThat(key.getKey(deleteOld)).isEqualTo(key.getKey(insertNew)).isNotEqualTo(key.getKey(other));
    }

    @Test
    void nonFiniteNumbersAndWrongAritiesAreRefused() {
        var def = CaseMetricsTables.DWS_DAILY_MPS_MPD;
        assertThatThrownBy(() -> DorisRows.toJsonLine(def, TestRows.row(def, RowKind.INSERT, "2026-11-20", "SH", "ALL", 1L, 0L,
                Double.NaN, 1.0, 0.0, 1L))).hasMessageContaining("dws_daily_mps_mpd.total_miles is NaN");
        assertThatThrownBy(() -> DorisRows.toJsonLine(HeartbeatTables.DWS_DAILY_AUTO_RATE,
                TestRows.row(def, RowKind.INSERT, "2026-11-20", "SH", "ALL", 1L, 0L, 1.0, 1.0, 0.0, 1L)))
                .hasMessageContaining("a row of 9 fields, the table has 10 columns");
    }

    @Test
    void onlyDwdCaseDetailHasADorisKeyBeyondItsLakeKey() {
        assertThat(SyncedTable.byId("dwd_case_detail").dorisKey()).containsExactly("case_id", "date_key");
        assertThat(SyncedTable.ALL).filteredOn(SyncedTable::deleteBeforeImages).extracting(SyncedTable::id)
                .containsExactly("dwd_case_detail");
        for (SyncedTable t : SyncedTable.ALL) {
            if (!t.deleteBeforeImages()) assertThat(t.dorisKey()).isEqualTo(t.def().primaryKey());
        }
    }

    /** The lines the job's operator emits for one row (a harness around {@link DorisRows.ToJsonLines}). */
    private static List<String> toJsonLines(String table, RowData row) throws Exception {
        var ddl = DdlScript.tables(Map.of("database", "d", "replication_num", "1", "buckets", "1", "history_days", "36500", "timezone", "Asia/Shanghai"));
        var fn = new DorisRows.ToJsonLines("lake-to-doris-job", SyncedTable.byId(table),
                new DorisRefusals(ddl.get(table), 36500, java.time.ZoneId.of("Asia/Shanghai"))); // no past date is refused here
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(fn)) {
            h.processElement(row, 0);
            return h.extractOutputValues();
        }
    }
}
