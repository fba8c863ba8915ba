package org.dataloop.laketodoris.testing;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.DateType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.types.RowKind;

import org.dataloop.common.io.TableDef;

/** Changelog rows of a table in Flink's internal form, built from plain values in the TableDef's column order. */
public final class TestRows {
    private TestRows() {}

    public static RowData row(TableDef<?> def, RowKind kind, Object... values) {
        List<? extends TableDef.Column<?>> columns = def.columns();
        if (values.length != columns.size()) {
            throw new IllegalArgumentException(def.defaultName() + " has " + columns.size() + " columns, got " + values.length);
        }
        GenericRowData row = new GenericRowData(kind, values.length);
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v == null) continue;
            row.setField(i, switch (columns.get(i).type()) {
                case STRING -> StringData.fromString((String) v);
                case DATE -> (int) LocalDate.parse((String) v).toEpochDay();
                case BIGINT -> ((Number) v).longValue();
                case INT -> ((Number) v).intValue();
                case DOUBLE -> ((Number) v).doubleValue();
                case BOOLEAN -> v;
            });
        }
        return row;
    }

    /** The values of a row as column name → value (the double's form: dates yyyy-MM-dd, integers as Long). */
    public static Map<String, Object> expected(TableDef<?> def, Object... values) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v instanceof Integer n) v = n.longValue();
            m.put(def.columns().get(i).name(), v);
        }
        return m;
    }

    public static InternalTypeInfo<RowData> typeInfo(TableDef<?> def) {
        LogicalType[] types = def.columns().stream().map(c -> (LogicalType) switch (c.type()) {
            case STRING -> new VarCharType(c.nullable(), VarCharType.MAX_LENGTH);
            case DATE -> new DateType(c.nullable());
            case BIGINT -> new BigIntType(c.nullable());
            case INT -> new IntType(c.nullable());
            case DOUBLE -> new DoubleType(c.nullable());
            case BOOLEAN -> new BooleanType(c.nullable());
        }).toArray(LogicalType[]::new);
        String[] names = def.columns().stream().map(TableDef.Column::name).toArray(String[]::new);
        return InternalTypeInfo.of(RowType.of(types, names));
    }
}
