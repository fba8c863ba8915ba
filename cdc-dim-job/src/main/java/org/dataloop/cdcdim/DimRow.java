package org.dataloop.cdcdim;

import java.util.Arrays;

/**
 * One change of a dimension table, ready for the lake: the lake table it belongs to, its changelog kind
 * ({@code +I}, {@code +U}, {@code -D}) and its values in the lake table's column order. Values are held as
 * text (a BIGINT column holds its decimal digits), so one Flink POJO type serves every dimension table;
 * {@link DimTable} turns them back into typed columns.
 */
public class DimRow {
    /** The lake table's default name, e.g. {@code dim_car}. */
    public String table;
    /** {@code +I}, {@code +U} or {@code -D}. */
    public String op;
    /** In the lake table's column order; null for SQL NULL. */
    public String[] values;

    public DimRow() {}

    public DimRow(String table, String op, String[] values) {
        this.table = table;
        this.op = op;
        this.values = values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DimRow r && table.equals(r.table) && op.equals(r.op) && Arrays.equals(values, r.values);
    }

    @Override
    public int hashCode() {
        return table.hashCode() * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return table + " " + op + " " + Arrays.toString(values);
    }
}
