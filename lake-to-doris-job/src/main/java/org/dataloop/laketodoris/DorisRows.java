package org.dataloop.laketodoris;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import org.dataloop.common.event.DeadLetter;
import org.dataloop.common.io.TableDef;
import org.dataloop.common.parse.JsonParsers;

/**
 * Pure functions from a changelog row of the lake or Fluss to a line of a Doris JSON stream load
 * ({@code format=json}, {@code read_json_by_line=true}) on a UNIQUE KEY table: every column of the table plus
 * {@value #DELETE_SIGN} (0 = upsert, 1 = delete).
 */
public final class DorisRows {
    /** Doris's hidden delete-sign column; loads name it in the {@code hidden_columns} header. */
    public static final String DELETE_SIGN = "__DORIS_DELETE_SIGN__";

    private static final JsonFactory JSON = new JsonFactory();

    private DorisRows() {}

    /** What a changelog kind does to a UNIQUE KEY table. */
    public enum Action { UPSERT, DELETE, SKIP }

    /**
     * {@code +I}/{@code +U} upsert, {@code -D} deletes, {@code -U} is skipped: the {@code +U} that follows carries
     * the new value of the same key, and deleting in between would only make the key vanish for a moment.
     */
    public static Action action(RowKind kind) {
        return action(kind, false);
    }

    /**
     * As {@link #action(RowKind)}, except that with {@code deleteBeforeImages} a {@code -U} deletes its row: for a
     * Doris table whose key has a column the upstream key lacks, where an update may move the row to another key.
     */
    public static Action action(RowKind kind, boolean deleteBeforeImages) {
        return switch (kind) {
            case INSERT, UPDATE_AFTER -> Action.UPSERT;
            case DELETE -> Action.DELETE;
            case UPDATE_BEFORE -> deleteBeforeImages ? Action.DELETE : Action.SKIP;
        };
    }

    /**
     * The JSON line of a row whose fields are the table's columns in order, or {@code null} when the row is skipped.
     * Dates are {@code yyyy-MM-dd}; numbers are JSON numbers; a non-finite double (never produced by our jobs) is
     * refused, since Doris's JSON reader cannot load it.
     */
    public static String toJsonLine(TableDef<?> def, RowData row) {
        return toJsonLine(def, row, false);
    }

    /** As {@link #toJsonLine(TableDef, RowData)}, with {@link #action(RowKind, boolean)}'s choice for {@code -U}. */
    public static String toJsonLine(TableDef<?> def, RowData row, boolean deleteBeforeImages) {
        return toJsonLine(def, row, deleteBeforeImages, false);
    }

    /** A row with a non-finite number, which Doris's JSON reader cannot load. */
    static final class NonFinite extends IllegalArgumentException {
        NonFinite(String message) {
            super(message);
        }
    }

    private static String toJsonLine(TableDef<?> def, RowData row, boolean deleteBeforeImages, boolean nonFiniteAsText) {
        Action action = action(row.getRowKind(), deleteBeforeImages);
        if (action == Action.SKIP) return null;
        List<? extends TableDef.Column<?>> columns = def.columns();
        if (row.getArity() != columns.size()) {
            throw new IllegalArgumentException(def.defaultName() + ": a row of " + row.getArity() + " fields, the table has "
                    + columns.size() + " columns");
        }
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (int i = 0; i < columns.size(); i++) {
                TableDef.Column<?> c = columns.get(i);
                g.writeFieldName(c.name());
                if (row.isNullAt(i)) {
                    g.writeNull();
                    continue;
                }
                switch (c.type()) {
                    case STRING -> g.writeString(row.getString(i).toString());
                    case BIGINT -> g.writeNumber(row.getLong(i));
                    case INT -> g.writeNumber(row.getInt(i));
                    case DOUBLE -> {
                        double d = row.getDouble(i);
                        if (!Double.isFinite(d)) {
                            if (!nonFiniteAsText) throw new NonFinite(def.defaultName() + "." + c.name() + " is " + d
                                    + ": Doris cannot load a non-finite number");
                            g.writeString(Double.toString(d));
                        } else {
                            g.writeNumber(d);
                        }
                    }
                    case BOOLEAN -> g.writeBoolean(row.getBoolean(i));
                    case DATE -> g.writeString(LocalDate.ofEpochDay(row.getInt(i)).toString());
                }
            }
            g.writeNumberField(DELETE_SIGN, action == Action.DELETE ? 1 : 0);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** The columns a load of this table sends, in order: the table's, then the delete sign. */
    public static List<String> loadColumns(TableDef<?> def) {
        List<String> names = new java.util.ArrayList<>(def.columns().stream().map(TableDef.Column::name).toList());
        names.add(DELETE_SIGN);
        return names;
    }

    /**
     * The upstream primary key of a JSON line: every change of one upstream row goes to the same sink subtask, in
     * order (rows spread round-robin over subtasks would commit in any order within a checkpoint).
     */
    public static final class UpstreamKey implements KeySelector<String, String> {
        private static final long serialVersionUID = 1L;
        private final List<String> columns;

        public UpstreamKey(SyncedTable table) {
            this.columns = List.copyOf(table.def().primaryKey());
        }

        @Override
        public String getKey(String line) throws IOException {
            JsonNode row = JsonParsers.MAPPER.readTree(line);
            StringBuilder key = new StringBuilder();
            for (String c : columns) key.append(row.path(c).asText()).append('\u001f');
            return key.toString();
        }
    }

    /**
     * The stream operator: rows to JSON lines; {@code -U} dropped, or deleting (see {@link SyncedTable#deleteBeforeImages}).
     * A row Doris would refuse ({@link DorisRefusals}, or a non-finite number) goes to {@link #REFUSED} as a dead letter,
     * reason {@code doris_refused}, with Doris's message: the rest of the load commits.
     */
    public static final class ToJsonLines extends ProcessFunction<RowData, String> {
        private static final long serialVersionUID = 1L;
        public static final OutputTag<DeadLetter> REFUSED = new OutputTag<>("doris-refused", TypeInformation.of(DeadLetter.class));

        private final String job;
        private final String table;
        private final TableDef<?> def;
        private final boolean deleteBeforeImages;
        private final DorisRefusals refusals;

        public ToJsonLines(String job, SyncedTable table, DorisRefusals refusals) {
            this.job = job;
            this.table = table.id();
            this.def = table.def();
            this.deleteBeforeImages = table.deleteBeforeImages();
            this.refusals = refusals;
        }

        @Override
        public void processElement(RowData row, Context ctx, Collector<String> out) throws IOException {
            String line;
            try {
                line = toJsonLine(def, row, deleteBeforeImages);
            } catch (NonFinite e) {
                ctx.output(REFUSED, DeadLetter.of(job, table, "doris_refused", e.getMessage(), toJsonLine(def, row, deleteBeforeImages, true)));
                return;
            }
            if (line == null) return;
            String refusal = refusals.refusal(JsonParsers.MAPPER.readTree(line), refusals.today());
            if (refusal != null) {
                ctx.output(REFUSED, DeadLetter.of(job, table, "doris_refused", refusal, line));
                return;
            }
            out.collect(line);
        }
    }

}
