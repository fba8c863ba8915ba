package org.dataloop.cdcdim;

import java.io.Serializable;
import java.util.List;

import org.dataloop.common.dim.DimensionDef;
import org.dataloop.common.io.ColumnType;
import org.dataloop.common.io.TableDef;

/**
 * A dimension table captured by the job: the source table it comes from and the lake table it goes to.
 * Source and lake columns have the same names; {@link #columns()} is the lake's column order (the key first).
 */
public final class DimTable implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Which database server holds the source table. */
    public enum Source { MYSQL, POSTGRES }

    public record Col(String name, ColumnType type) implements Serializable {}

    private final DimensionDef dimension;
    private final Source source;
    private final String sourceTable;
    private final List<Col> columns;
    private final TableDef<DimRow> tableDef;

    DimTable(DimensionDef dimension, Source source, String sourceTable, List<Col> columns) {
        this.dimension = dimension;
        this.source = source;
        this.sourceTable = sourceTable;
        this.columns = List.copyOf(columns);
        TableDef.Builder<DimRow> b = TableDef.<DimRow>builder(dimension.name(), TableDef.Store.LAKE);
        for (int i = 0; i < columns.size(); i++) {
            Col c = columns.get(i);
            int index = i;
            TableDef.Getter<DimRow> getter = c.type() == ColumnType.BIGINT
                    ? r -> r.values[index] == null ? null : Long.valueOf(r.values[index])
                    : r -> r.values[index];
            if (dimension.keyColumns().contains(c.name())) b.required(c.name(), c.type(), getter);
            else b.optional(c.name(), c.type(), getter);
        }
        this.tableDef = b.primaryKey(dimension.keyColumns().toArray(String[]::new)).op(r -> r.op).build();
    }

    public String name() { return dimension.name(); }
    public DimensionDef dimension() { return dimension; }
    public Source source() { return source; }
    /** The table's name at the source (without database or schema), e.g. {@code cars}. */
    public String sourceTable() { return sourceTable; }
    public List<Col> columns() { return columns; }
    public TableDef<DimRow> tableDef() { return tableDef; }

    public int indexOf(String column) {
        for (int i = 0; i < columns.size(); i++) if (columns.get(i).name().equals(column)) return i;
        return -1;
    }
}
