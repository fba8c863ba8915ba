package org.dataloop.cdcdim;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.dataloop.common.io.ColumnType;

/**
 * Pure functions from a Debezium change (its op, before and after images with each value's Debezium
 * semantic type) to the lake rows of a {@link DimTable}. Type mapping (see docs/cdc-dim-job.md):
 * <ul>
 *   <li>STRING columns: text types as they are; integer, decimal and boolean values as their decimal text.</li>
 *   <li>BIGINT epoch-ms columns ({@code updated_at}): a DATETIME / {@code timestamp} (Debezium
 *       {@code Timestamp}, {@code MicroTimestamp}, {@code NanoTimestamp}) is a wall-clock time read in the
 *       server's time zone; a TIMESTAMP / {@code timestamptz} ({@code ZonedTimestamp}) is an instant; a DATE
 *       is its first millisecond in the server's zone; an integer column is taken as epoch ms as it is.</li>
 *   <li>Anything else (binary, JSON, geometry, ...) stops the job with a {@link SourceSchemaException}.</li>
 * </ul>
 * A value of a mapped type that the lake still cannot take — text that is no time in an epoch column, NULL in a
 * key column — is a {@link BadSourceValue}: that change becomes a dead letter, the others go on.
 */
public final class ChangeConverter {
    private ChangeConverter() {}

    /** A source value and its Debezium semantic type name (e.g. {@code io.debezium.time.Timestamp}), or null. */
    public record SourceValue(Object value, String semanticType) {
        public static SourceValue of(Object value) {
            return new SourceValue(value, null);
        }
    }

    public static final String TIMESTAMP = "io.debezium.time.Timestamp";
    public static final String MICRO_TIMESTAMP = "io.debezium.time.MicroTimestamp";
    public static final String NANO_TIMESTAMP = "io.debezium.time.NanoTimestamp";
    public static final String ZONED_TIMESTAMP = "io.debezium.time.ZonedTimestamp";
    public static final String DATE = "io.debezium.time.Date";

    /**
     * The lake rows of one change. {@code op} is Debezium's: {@code r} (snapshot read) and {@code c} → +I,
     * {@code u} → +U (a change of the primary key → -D of the old key and +I of the new one), {@code d} → -D
     * of the before image.
     *
     * @param before null unless op is u or d
     * @param after null when op is d
     */
    public static List<DimRow> toRows(DimTable t, String op, String[] before, String[] after) {
        return switch (op) {
            case "r", "c" -> List.of(new DimRow(t.name(), "+I", Objects.requireNonNull(after, "after")));
            case "u" -> {
                if (before != null && !sameKey(t, before, after)) {
                    yield List.of(new DimRow(t.name(), "-D", before), new DimRow(t.name(), "+I", after));
                }
                yield List.of(new DimRow(t.name(), "+U", after));
            }
            // no before image the lake can key: that row never reached the lake (its change was a dead letter)
            case "d" -> before == null ? List.of() : List.of(new DimRow(t.name(), "-D", before));
            default -> throw new IllegalArgumentException("unknown Debezium op '" + op + "' for " + t.name());
        };
    }

    static boolean sameKey(DimTable t, String[] a, String[] b) {
        for (String k : t.dimension().keyColumns()) {
            int i = t.indexOf(k);
            if (!Objects.equals(a[i], b[i])) return false;
        }
        return true;
    }

    /**
     * Stops on a schema change: the source table must have exactly the lake table's columns.
     *
     * @param sourceName the qualified source table, for the message (e.g. {@code fleet.cars})
     */
    public static void checkColumns(DimTable t, String sourceName, Collection<String> sourceColumns) {
        for (String c : sourceColumns) {
            if (t.indexOf(c) < 0) {
                throw new SourceSchemaException("source table " + sourceName + " has a new column '" + c + "' that lake table "
                        + t.name() + " does not have. cdc-dim-job stops rather than drop it: add the column to the job's "
                        + t.name() + " and to the lake table, or drop it at the source, then restart from the last checkpoint"
                        + " (see docs/cdc-dim-job.md, Schema changes).");
            }
        }
        for (DimTable.Col c : t.columns()) {
            if (!sourceColumns.contains(c.name())) {
                throw new SourceSchemaException("source table " + sourceName + " has no column '" + c.name() + "' any more, which lake table "
                        + t.name() + " needs. cdc-dim-job stops (see docs/cdc-dim-job.md, Schema changes).");
            }
        }
    }

    /** A source row (column → value) as lake values in the table's column order; {@link BadSourceValue} if the lake cannot take it. */
    public static String[] values(DimTable t, String sourceName, Map<String, SourceValue> row, ZoneId serverZone) {
        String[] out = new String[t.columns().size()];
        for (int i = 0; i < out.length; i++) {
            DimTable.Col c = t.columns().get(i);
            SourceValue v = row.get(c.name());
            out[i] = v == null ? null : value(t, sourceName, c, v, serverZone);
        }
        for (String k : t.dimension().keyColumns()) {
            if (out[t.indexOf(k)] == null) {
                throw new BadSourceValue("key column '" + k + "' of source table " + sourceName + " is NULL, which lake table "
                        + t.name() + " cannot key");
            }
        }
        return out;
    }

    /**
     * A row image the lake needs only for its key (a before image: a delete, a key change), so a value it cannot take
     * is null; null when the key itself cannot be taken (such a version of the row never reached the lake).
     */
    public static String[] valuesForKey(DimTable t, String sourceName, Map<String, SourceValue> row, ZoneId serverZone) {
        String[] out = new String[t.columns().size()];
        for (int i = 0; i < out.length; i++) {
            DimTable.Col c = t.columns().get(i);
            SourceValue v = row.get(c.name());
            try {
                out[i] = v == null ? null : value(t, sourceName, c, v, serverZone);
            } catch (BadSourceValue e) {
                out[i] = null;
            }
        }
        for (String k : t.dimension().keyColumns()) if (out[t.indexOf(k)] == null) return null;
        return out;
    }

    /** One source value as the text of its lake column (BIGINT columns: decimal digits). */
    public static String value(DimTable t, String sourceName, DimTable.Col c, SourceValue v, ZoneId serverZone) {
        Object x = v.value();
        if (x == null) return null;
        if (c.type() == ColumnType.BIGINT) {
            Long ms = epochMillis(x, v.semanticType(), serverZone);
            if (ms == null && x instanceof String text) {
                throw new BadSourceValue("column '" + c.name() + "' of source table " + sourceName + " holds '" + abbreviate(text)
                        + "', which is no time for lake column " + t.name() + "." + c.name() + " (epoch ms or an ISO-8601 instant)");
            }
            if (ms == null) throw unsupported(t, sourceName, c, v);
            return Long.toString(ms);
        }
        if (x instanceof String s) return s;
        if (x instanceof Number || x instanceof Boolean) return x.toString();
        throw unsupported(t, sourceName, c, v);
    }

    /** Epoch ms of a time value (see the class comment), or null when it is not one. */
    static Long epochMillis(Object x, String semanticType, ZoneId serverZone) {
        if (semanticType != null) {
            switch (semanticType) {
                case TIMESTAMP -> { return wallClock(((Number) x).longValue() * 1_000_000L, serverZone); }
                case MICRO_TIMESTAMP -> { return wallClock(((Number) x).longValue() * 1_000L, serverZone); }
                case NANO_TIMESTAMP -> { return wallClock(((Number) x).longValue(), serverZone); }
                case ZONED_TIMESTAMP -> { return OffsetDateTime.parse((String) x).toInstant().toEpochMilli(); }
                case DATE -> { return LocalDate.ofEpochDay(((Number) x).longValue()).atStartOfDay(serverZone).toInstant().toEpochMilli(); }
                default -> { }
            }
        }
        if (x instanceof Long || x instanceof Integer || x instanceof Short) return ((Number) x).longValue();
        if (x instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                try {
                    return Instant.parse(s.trim()).toEpochMilli();
                } catch (RuntimeException notAnInstant) {
                    return null;
                }
            }
        }
        return null;
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    /** Debezium encodes a zone-less wall clock as nanos "since the epoch" in UTC: read it in the server's zone. */
    private static long wallClock(long nanosAsUtc, ZoneId serverZone) {
        LocalDateTime local = LocalDateTime.ofEpochSecond(Math.floorDiv(nanosAsUtc, 1_000_000_000L),
                (int) Math.floorMod(nanosAsUtc, 1_000_000_000L), ZoneOffset.UTC);
        return local.atZone(serverZone).toInstant().toEpochMilli();
    }

    private static SourceSchemaException unsupported(DimTable t, String sourceName, DimTable.Col c, SourceValue v) {
        Object x = v.value();
        String kind = x instanceof ByteBuffer || x instanceof byte[] ? "binary" : x.getClass().getSimpleName();
        return new SourceSchemaException("column '" + c.name() + "' of source table " + sourceName + " has a " + kind
                + (v.semanticType() == null ? "" : " (" + v.semanticType() + ")") + " value that lake column " + t.name() + "."
                + c.name() + " (" + c.type() + ") cannot hold; cdc-dim-job stops (see docs/cdc-dim-job.md, Type mapping).");
    }
}
