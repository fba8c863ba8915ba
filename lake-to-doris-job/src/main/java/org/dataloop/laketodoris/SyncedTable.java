package org.dataloop.laketodoris;

import java.io.Serializable;
import java.util.List;

import org.dataloop.common.io.TableDef;
import org.dataloop.common.tables.CaseMetricsTables;
import org.dataloop.common.tables.HeartbeatTables;

/**
 * A table this job copies into Doris: its columns come from the upstream job's {@link TableDef} (the source of
 * truth), read from the lake (Paimon) or from Fluss, written to the Doris table of the same name.
 */
public record SyncedTable(TableDef<?> def) implements Serializable {

    /** Every table this job can sync, in the order of {@code --doris.tables}' default. */
    public static final List<SyncedTable> ALL = List.of(
            new SyncedTable(HeartbeatTables.DWS_DAILY_AUTO_RATE),
            new SyncedTable(CaseMetricsTables.DWS_DAILY_MPS_MPD),
            new SyncedTable(CaseMetricsTables.DWD_CASE_DETAIL),
            new SyncedTable(CaseMetricsTables.REALTIME_METRICS));

    /** The table's id: its default name (uids, label prefixes and DDL files use it). */
    public String id() {
        return def.defaultName();
    }

    /**
     * The table's UNIQUE KEY in Doris: the upstream primary key, plus date_key where the upstream key lacks it
     * (Doris wants the partition column in the key): dwd_case_detail is keyed (case_id, date_key).
     */
    public List<String> dorisKey() {
        List<String> key = new java.util.ArrayList<>(def.primaryKey());
        if (!key.contains("date_key")) key.add("date_key");
        return List.copyOf(key);
    }

    /**
     * Whether an update's before-image must delete its row: only when the Doris key has columns the upstream key
     * lacks, so an update may move the row to another Doris key (a case whose date_key changes).
     */
    public boolean deleteBeforeImages() {
        return !dorisKey().equals(def.primaryKey());
    }

    public boolean fromFluss() {
        return def.store() == TableDef.Store.FLUSS;
    }

    public static SyncedTable byId(String id) {
        for (SyncedTable t : ALL) if (t.id().equals(id)) return t;
        return null;
    }

    public static List<String> ids() {
        return ALL.stream().map(SyncedTable::id).toList();
    }
}
