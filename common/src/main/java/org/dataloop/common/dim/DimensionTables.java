package org.dataloop.common.dim;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.dataloop.common.config.CommonOptions;
import org.dataloop.common.config.JobOptions;
import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.parse.JsonParsers;

/**
 * Where a job reads its dimension tables: snapshot files in a replay ({@code --input.dim_car FILE}), else
 * the lake tables that cdc-dim-job maintains. A table that does not exist yet reads as empty (every
 * lookup misses and falls back to the raw values) until it appears.
 */
public final class DimensionTables implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, String> files;
    private final PaimonTables lake;
    private final Map<String, String> lakeNames;
    private final Duration firstLoadTimeout;
    private final int lookupCacheRows;

    DimensionTables(Map<String, String> files, PaimonTables lake, Map<String, String> lakeNames, Duration firstLoadTimeout) {
        this(files, lake, lakeNames, firstLoadTimeout, CommonOptions.DIM_LOOKUP_CACHE_ROWS.defaultValue());
    }

    DimensionTables(Map<String, String> files, PaimonTables lake, Map<String, String> lakeNames, Duration firstLoadTimeout, int lookupCacheRows) {
        this.files = files;
        this.lake = lake;
        this.lakeNames = lakeNames;
        this.firstLoadTimeout = firstLoadTimeout;
        this.lookupCacheRows = lookupCacheRows;
    }

    public static DimensionTables fromOptions(JobOptions options, List<DimensionDef> dims) {
        Map<String, String> files = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        for (DimensionDef d : dims) {
            options.input(d.name()).ifPresent(f -> files.put(d.name(), f));
            names.put(d.name(), options.get(d.nameOption()));
        }
        boolean useLake = !options.replay() && options.getOptional(CommonOptions.PAIMON_WAREHOUSE).isPresent();
        // a snapshot file that cannot be read will not become readable: a replay fails at once
        return new DimensionTables(files, useLake ? PaimonTables.fromOptions(options) : null, names,
                options.replay() ? Duration.ZERO : options.get(CommonOptions.DIM_FIRST_LOAD_TIMEOUT), options.get(CommonOptions.DIM_LOOKUP_CACHE_ROWS));
    }

    /** How many rows a {@link DimensionLookup} keeps ({@code --dim.lookup-cache-rows}). */
    public int lookupCacheRows() {
        return lookupCacheRows;
    }

    /** How long a task retries its first load before it fails ({@code --dim.first-load-timeout}). */
    public Duration firstLoadTimeout() {
        return firstLoadTimeout;
    }

    /** The table's rows by {@link DimensionDef#key}; empty when the job has no source for it. */
    public Map<String, Map<String, Object>> load(DimensionDef dim) {
        Map<String, Map<String, Object>> rows = new HashMap<>();
        String file = files.get(dim.name());
        if (file != null) {
            try (var lines = Files.lines(Path.of(file))) {
                lines.filter(l -> !l.isBlank()).forEach(l -> add(rows, dim, jsonRow(l)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + dim.name() + " snapshot " + file, e);
            }
        } else if (lake != null && lake.tableExists(lakeNames.get(dim.name()))) {
            lake.readAll(lakeNames.get(dim.name())).forEach(r -> add(rows, dim, r));
        }
        return rows;
    }

    /** Whether {@code dim} is read from a snapshot file (a local run) rather than the lake. */
    boolean readsFile(DimensionDef dim) {
        return files.get(dim.name()) != null || lake == null;
    }

    /** Reads of {@code dim}'s lake table by its (one) key column. */
    PaimonTables.KeyedReads keyedReads(DimensionDef dim) {
        return lake.keyedReads(lakeNames.get(dim.name()), dim.keyColumns().get(0));
    }

    private static void add(Map<String, Map<String, Object>> rows, DimensionDef dim, Map<String, Object> row) {
        Object[] key = new Object[dim.keyColumns().size()];
        for (int i = 0; i < key.length; i++) key[i] = row.get(dim.keyColumns().get(i));
        rows.put(DimensionDef.key(key), row);
    }

    private static Map<String, Object> jsonRow(String line) {
        try {
            JsonNode node = JsonParsers.MAPPER.readTree(line);
            Map<String, Object> row = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                row.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
            }
            return row;
        } catch (IOException e) {
            throw new UncheckedIOException("bad dimension snapshot line: " + line, e);
        }
    }
}
