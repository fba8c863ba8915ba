package org.dataloop.common.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

import org.dataloop.common.parse.JsonParsers;

/** A row of a {@link TableDef} as one JSON object with the table's column names; optionally with its {@code op}. */
public final class RowJson {
    private RowJson() {}

    public static <T> byte[] toJson(TableDef<T> def, T row, boolean withOp) {
        try (ByteArrayBuilder buf = new ByteArrayBuilder(256);
             JsonGenerator g = JsonParsers.MAPPER.getFactory().createGenerator(buf)) {
            g.writeStartObject();
            if (withOp) g.writeStringField("op", def.op(row));
            List<TableDef.Column<T>> columns = def.columns();
            for (TableDef.Column<T> c : columns) {
                g.writeFieldName(c.name());
                writeValue(g, c.getter().get(row));
            }
            g.writeEndObject();
            g.flush();
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v == null) g.writeNull();
        else if (v instanceof String s) g.writeString(s);
        else if (v instanceof Long l) g.writeNumber(l);
        else if (v instanceof Integer i) g.writeNumber(i);
        else if (v instanceof Double d) {
            if (Double.isFinite(d)) g.writeNumber(d); else g.writeNull();
        } else if (v instanceof Boolean b) g.writeBoolean(b);
        else g.writeString(v.toString());
    }
}
