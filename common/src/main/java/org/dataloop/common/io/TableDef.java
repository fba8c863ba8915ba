package org.dataloop.common.io;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * An output table (or topic) of a job: its default name, columns, primary key and where it lives. Every
 * sink (Paimon, Fluss, Kafka, JSON Lines) writes rows of {@code T} through this one description, so a
 * table's columns are defined once.
 */
public final class TableDef<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Where a table lives in production. Local runs write every table as JSON Lines instead. */
    public enum Store { LAKE, FLUSS, KAFKA }

    /** Extracts one column's value from a row. */
    @FunctionalInterface
    public interface Getter<T> extends Serializable {
        Object get(T row);
    }

    /** The changelog kind of a row: {@code +I}, {@code +U}, {@code -U} or {@code -D}. */
    @FunctionalInterface
    public interface OpOf<T> extends Serializable {
        String op(T row);
    }

    public record Column<T>(String name, ColumnType type, boolean nullable, Getter<T> getter) implements Serializable {}

    private final String defaultName;
    private final String defaultStoreName;
    private final Store store;
    private final List<Column<T>> columns;
    private final List<String> primaryKey;
    private final List<String> partitionKeys;
    private final Map<String, String> storeOptions;
    private final OpOf<T> opOf;
    private final String kafkaKey;
    /** Flink's ConfigOption is not Serializable: rebuilt on demand after the def is shipped to a task. */
    private transient ConfigOption<String> nameOption;

    private TableDef(Builder<T> b) {
        this.defaultName = b.name;
        this.defaultStoreName = b.storeName == null ? b.name : b.storeName;
        this.store = b.store;
        this.columns = List.copyOf(b.columns);
        this.primaryKey = List.copyOf(b.primaryKey);
        this.partitionKeys = List.copyOf(b.partitionKeys);
        this.storeOptions = Map.copyOf(b.storeOptions);
        this.opOf = b.opOf;
        this.kafkaKey = b.kafkaKey;
        for (String k : primaryKey) column(k);
        for (String k : partitionKeys) column(k);
        if (kafkaKey != null) column(kafkaKey);
    }

    public static <T> Builder<T> builder(String name, Store store) {
        return new Builder<>(name, store);
    }

    /** The default name, also the file name of local output: {@code <name>.jsonl}. */
    public String defaultName() { return defaultName; }
    /** The default table or topic name in the store; the default name unless the builder set another. */
    public String defaultStoreName() { return defaultStoreName; }
    public Store store() { return store; }
    public List<Column<T>> columns() { return columns; }
    public List<String> primaryKey() { return primaryKey; }
    public List<String> partitionKeys() { return partitionKeys; }
    /** Store-specific table options (e.g. Paimon's changelog-producer). */
    public Map<String, String> storeOptions() { return storeOptions; }
    /** The option that renames this table or topic: {@code table.<default name>}. */
    public ConfigOption<String> nameOption() {
        if (nameOption == null) {
            nameOption = ConfigOptions.key("table." + defaultName)
                    .stringType()
                    .defaultValue(defaultStoreName)
                    .withDescription("Name of the " + store.name().toLowerCase() + " "
                            + (store == Store.KAFKA ? "topic" : "table") + " '" + defaultStoreName + "'.");
        }
        return nameOption;
    }

    public String op(T row) { return opOf.op(row); }

    /** The column whose value keys the Kafka messages of a KAFKA table, or null. */
    public String kafkaKey() { return kafkaKey; }

    public Column<T> column(String name) {
        for (Column<T> c : columns) if (c.name().equals(name)) return c;
        throw new IllegalArgumentException("table " + defaultName + " has no column " + name);
    }

    /** The row's values in column order, as plain Java values (String, Long, Integer, Double, Boolean). */
    public Object[] values(T row) {
        Object[] out = new Object[columns.size()];
        for (int i = 0; i < out.length; i++) out[i] = columns.get(i).getter().get(row);
        return out;
    }

    /** Days since the epoch for a DATE value held as yyyy-MM-dd. */
    public static int epochDay(Object dateValue) {
        return (int) LocalDate.parse((String) dateValue).toEpochDay();
    }

    public static final class Builder<T> {
        private final String name;
        private final Store store;
        private final List<Column<T>> columns = new ArrayList<>();
        private final List<String> primaryKey = new ArrayList<>();
        private final List<String> partitionKeys = new ArrayList<>();
        private final Map<String, String> storeOptions = new LinkedHashMap<>();
        private OpOf<T> opOf = row -> "+I";
        private String kafkaKey;
        private String storeName;

        private Builder(String name, Store store) {
            this.name = Objects.requireNonNull(name);
            this.store = Objects.requireNonNull(store);
        }

        /** A NOT NULL column. */
        public Builder<T> required(String name, ColumnType type, Getter<T> getter) {
            columns.add(new Column<>(name, type, false, getter));
            return this;
        }

        public Builder<T> optional(String name, ColumnType type, Getter<T> getter) {
            columns.add(new Column<>(name, type, true, getter));
            return this;
        }

        public Builder<T> primaryKey(String... keys) {
            primaryKey.addAll(List.of(keys));
            return this;
        }

        public Builder<T> partitionedBy(String... keys) {
            partitionKeys.addAll(List.of(keys));
            return this;
        }

        public Builder<T> storeOption(String key, String value) {
            storeOptions.put(key, value);
            return this;
        }

        public Builder<T> op(OpOf<T> opOf) {
            this.opOf = opOf;
            return this;
        }

        public Builder<T> kafkaKey(String column) {
            this.kafkaKey = column;
            return this;
        }

        /** A default table/topic name in the store other than the table's name (e.g. a topic with dashes). */
        public Builder<T> storeName(String storeName) {
            this.storeName = storeName;
            return this;
        }

        public TableDef<T> build() {
            return new TableDef<>(this);
        }
    }
}
