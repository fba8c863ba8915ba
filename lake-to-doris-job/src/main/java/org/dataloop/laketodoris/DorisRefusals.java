package org.dataloop.laketodoris;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What Doris in strict mode refuses in a row of one table, read from the DDL this job ships: a NULL in a NOT NULL
 * column, a string longer than its {@code VARCHAR(n)} in bytes of UTF-8, a partition date outside the dynamic
 * partitions ({@code today - history_days .. today + 3}, in the fleet time zone). A refused row would fail its whole
 * load, again after every restart; the job sends it to the dead letters instead, with Doris's message, and loads the
 * rest. Anything else Doris refuses still fails the load (strict mode, no filtered rows).
 */
public final class DorisRefusals implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The DDL's {@code dynamic_partition.end}: partitions exist up to this many days ahead. */
    static final int FUTURE_DAYS = 3;

    private final String table;
    private final Set<String> notNull;
    private final Map<String, Integer> varcharBytes;
    private final String partitionColumn;
    private final int historyDays;
    private final ZoneId zone;

    DorisRefusals(DdlScript.CreateTable ddl, int historyDays, ZoneId zone) {
        this.table = ddl.table();
        this.notNull = new LinkedHashSet<>();
        this.varcharBytes = new LinkedHashMap<>();
        for (DdlScript.Column c : ddl.columns()) {
            if (!c.nullable()) notNull.add(c.name());
            if (c.type().startsWith("VARCHAR(")) varcharBytes.put(c.name(), Integer.parseInt(c.type().substring(8, c.type().length() - 1)));
        }
        this.partitionColumn = ddl.partitionColumn();
        this.historyDays = historyDays;
        this.zone = zone;
    }

    /** Doris's message for the first rule the JSON line's row breaks, or null when Doris takes it. */
    public String refusal(JsonNode row, LocalDate today) {
        for (String c : notNull) {
            if (row.path(c).isNull() || row.path(c).isMissingNode()) return "null value for not null column, column=" + c;
        }
        for (Map.Entry<String, Integer> e : varcharBytes.entrySet()) {
            JsonNode v = row.path(e.getKey());
            if (v.isTextual() && v.asText().getBytes(StandardCharsets.UTF_8).length > e.getValue()) {
                return "the length of input is too long than schema. column_name: " + e.getKey() + "; schema length: " + e.getValue()
                        + "; actual length: " + v.asText().getBytes(StandardCharsets.UTF_8).length;
            }
        }
        LocalDate day = LocalDate.parse(row.path(partitionColumn).asText());
        if (day.isBefore(today.minusDays(historyDays)) || day.isAfter(today.plusDays(FUTURE_DAYS))) {
            return "no partition for this tuple: " + partitionColumn + "=" + day + " (table " + table + " keeps partitions from "
                    + today.minusDays(historyDays) + " to " + today.plusDays(FUTURE_DAYS) + ")";
        }
        return null;
    }

    /** Today in the fleet time zone, where Doris's dynamic partitions are laid out. */
    public LocalDate today() {
        return LocalDate.now(zone);
    }
}
