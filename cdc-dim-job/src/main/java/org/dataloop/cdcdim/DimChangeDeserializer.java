package org.dataloop.cdcdim;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Field;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Struct;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.source.SourceRecord;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.util.Collector;

import org.dataloop.common.event.DeadLetter;
import org.dataloop.common.parse.JsonParsers;
import org.dataloop.common.parse.Parsed;

/**
 * Debezium change records of one source (MySQL or PostgreSQL) → {@link DimRow}s. Records of other tables,
 * heartbeats and schema-change records are skipped; the conversion itself is {@link ChangeConverter}'s.
 * A source table whose columns no longer match its lake table fails the job without restarts
 * ({@link SuppressRestartsException}): restarting would meet the same change again. A change with a value its lake
 * table cannot take ({@link BadSourceValue}) is a dead letter ({@code bad_value}, the change as JSON) and the job goes on.
 */
public final class DimChangeDeserializer implements DebeziumDeserializationSchema<Parsed<DimRow>> {
    static final TypeInformation<Parsed<DimRow>> TYPE = new TypeHint<Parsed<DimRow>>() {}.getTypeInfo();
    private static final long serialVersionUID = 1L;

    private final Map<String, DimTable> bySourceTable = new LinkedHashMap<>();
    private final String serverZone;

    private final String job;

    public DimChangeDeserializer(String job, List<DimTable> tables, String serverZone) {
        this.job = job;
        for (DimTable t : tables) bySourceTable.put(t.sourceTable(), t);
        this.serverZone = serverZone;
    }

    @Override
    public void deserialize(SourceRecord record, Collector<Parsed<DimRow>> out) {
        if (!(record.value() instanceof Struct value) || value.schema().field("op") == null) return; // tombstone, heartbeat, DDL
        Struct source = value.getStruct("source");
        String table = source.getString("table");
        DimTable t = bySourceTable.get(table);
        if (t == null) return;
        // MySQL names the database ("db"), PostgreSQL the schema
        String container = source.schema().field("schema") != null ? source.getString("schema") : source.getString("db");
        String sourceName = container == null ? table : container + "." + table;
        Struct before = value.schema().field("before") == null ? null : value.getStruct("before");
        Struct after = value.schema().field("after") == null ? null : value.getStruct("after");
        ZoneId zone = ZoneId.of(serverZone);
        try {
            Struct image = after != null ? after : before;
            if (image == null) return;
            List<String> columns = new ArrayList<>();
            for (Field f : image.schema().fields()) columns.add(f.name());
            ChangeConverter.checkColumns(t, sourceName, columns);
            String[] b = before == null ? null : ChangeConverter.valuesForKey(t, sourceName, row(before), zone);
            String[] a;
            try {
                a = after == null ? null : ChangeConverter.values(t, sourceName, row(after), zone);
            } catch (BadSourceValue e) {
                out.collect(Parsed.rejected(DeadLetter.of(job, t.name(), "bad_value", e.getMessage(), json(value.getString("op"), source, after))));
                // a row that left its lake key (the source keys it otherwise) must not stay behind under the old one
                String[] newKey = ChangeConverter.valuesForKey(t, sourceName, row(after), zone);
                if (b != null && (newKey == null || !ChangeConverter.sameKey(t, b, newKey))) {
                    out.collect(Parsed.valid(new DimRow(t.name(), "-D", b), Long.MIN_VALUE));
                }
                return;
            }
            for (DimRow r : ChangeConverter.toRows(t, value.getString("op"), b, a)) out.collect(Parsed.valid(r, Long.MIN_VALUE));
        } catch (SourceSchemaException e) {
            throw new SuppressRestartsException(e);
        }
    }

    /** Where a change is in the source's log (MySQL binlog file and position, PostgreSQL LSN), for on-call to find it. */
    private static final List<String> POSITION = List.of("file", "pos", "row", "gtid", "lsn", "txId", "ts_ms", "snapshot");

    /** The change as on-call reads it: its op, its position in the source's log and the source row, values as text. */
    private static String json(String op, Struct source, Struct image) {
        ObjectNode node = JsonParsers.MAPPER.createObjectNode().put("op", op);
        ObjectNode at = node.putObject("source");
        for (String f : POSITION) {
            if (source.schema().field(f) != null && source.get(f) != null) at.put(f, String.valueOf(source.get(f)));
        }
        ObjectNode row = node.putObject("after");
        for (Field f : image.schema().fields()) {
            Object v = image.get(f);
            if (v == null) row.putNull(f.name());
            else row.put(f.name(), String.valueOf(v));
        }
        return node.toString();
    }

    private static Map<String, ChangeConverter.SourceValue> row(Struct s) {
        Map<String, ChangeConverter.SourceValue> row = new LinkedHashMap<>();
        for (Field f : s.schema().fields()) row.put(f.name(), new ChangeConverter.SourceValue(s.get(f), f.schema().name()));
        return row;
    }

    @Override
    public TypeInformation<Parsed<DimRow>> getProducedType() {
        return TYPE;
    }
}
