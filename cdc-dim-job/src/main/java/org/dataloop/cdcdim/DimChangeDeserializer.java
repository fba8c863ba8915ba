package org.dataloop.cdcdim;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Field;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Struct;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.source.SourceRecord;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.util.Collector;

/**
 * Debezium change records of one source (MySQL or PostgreSQL) → {@link DimRow}s. Records of other tables,
 * heartbeats and schema-change records are skipped; the conversion itself is {@link ChangeConverter}'s.
 * A source table whose columns no longer match its lake table fails the job without restarts
 * ({@link SuppressRestartsException}): restarting would meet the same change again.
 */
public final class DimChangeDeserializer implements DebeziumDeserializationSchema<DimRow> {
    private static final long serialVersionUID = 1L;

    private final Map<String, DimTable> bySourceTable = new LinkedHashMap<>();
    private final String serverZone;

    public DimChangeDeserializer(List<DimTable> tables, String serverZone) {
        for (DimTable t : tables) bySourceTable.put(t.sourceTable(), t);
        this.serverZone = serverZone;
    }

    @Override
    public void deserialize(SourceRecord record, Collector<DimRow> out) {
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
            String[] b = before == null ? null : ChangeConverter.values(t, sourceName, row(before), zone);
            String[] a = after == null ? null : ChangeConverter.values(t, sourceName, row(after), zone);
            for (DimRow r : ChangeConverter.toRows(t, value.getString("op"), b, a)) out.collect(r);
        } catch (SourceSchemaException e) {
            throw new SuppressRestartsException(e);
        }
    }

    private static Map<String, ChangeConverter.SourceValue> row(Struct s) {
        Map<String, ChangeConverter.SourceValue> row = new LinkedHashMap<>();
        for (Field f : s.schema().fields()) row.put(f.name(), new ChangeConverter.SourceValue(s.get(f), f.schema().name()));
        return row;
    }

    @Override
    public TypeInformation<DimRow> getProducedType() {
        return TypeInformation.of(DimRow.class);
    }
}
