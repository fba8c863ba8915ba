package org.dataloop.common.dim;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows of a dimension table too large to hold whole in every subtask (dim_order grows with every order ever
 * placed), looked up by key in the lake and kept in a bounded cache: at most {@code maxRows} rows, the least recently
 * used out first. A miss reads the key's files of the latest snapshot on the processing thread; nothing else does.
 * Every refresh interval a thread of its own reads the changes the table's new snapshots wrote and drops the held rows
 * they changed (the next use reads them again), so a change at the source reaches the facts within that interval
 * without re-reading rows that did not change. A failed refresh keeps the rows held and is tried again.
 *
 * <p>Metrics: {@code dimension_lookup_hits}, {@code dimension_lookup_misses} (reads of the lake),
 * {@code dimension_lookup_rows} (held now), and as {@link DimensionCache} {@code dimension_age_ms} (since the last
 * good refresh) and {@code dimension_load_failures}. In a local run (a snapshot file) the file is held whole.
 */
public final class DimensionLookup implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DimensionLookup.class);
    private static final Map<String, Object> ABSENT = Map.of();

    private final DimensionTables tables;
    private final DimensionDef dim;
    private final Map<String, Map<String, Object>> fileRows;
    /** Guarded by itself; a held row is exact for every snapshot up to {@link #refreshedUpTo}. */
    private final LinkedHashMap<String, Map<String, Object>> rows;
    private final Counter hits;
    private final Counter misses;
    private final ScheduledExecutorService refresher;
    private long refreshedUpTo;
    private volatile long refreshedAt = System.currentTimeMillis();
    private volatile long failures;

    public DimensionLookup(DimensionTables tables, DimensionDef dim, int maxRows, Duration refresh, MetricGroup metrics) {
        if (dim.keyColumns().size() != 1) throw new IllegalArgumentException(dim.name() + " is not keyed by one column");
        this.tables = tables;
        this.dim = dim;
        this.rows = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Map<String, Object>> eldest) {
                return size() > maxRows;
            }
        };
        this.hits = metrics.counter("dimension_lookup_hits");
        this.misses = metrics.counter("dimension_lookup_misses");
        metrics.gauge("dimension_lookup_rows", () -> { synchronized (rows) { return rows.size(); } });
        metrics.gauge("dimension_age_ms", () -> System.currentTimeMillis() - refreshedAt);
        metrics.gauge("dimension_load_failures", () -> failures);
        if (tables.readsFile(dim)) {
            fileRows = tables.load(dim);
            refresher = null;
            return;
        }
        fileRows = null;
        refreshedUpTo = tables.latestSnapshot(dim);
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dimension refresh " + dim.name());
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(this::refresh, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The row with this key, or null. */
    public Map<String, Object> get(String key) {
        if (fileRows != null) return fileRows.get(key);
        synchronized (rows) {
            Map<String, Object> held = rows.get(key);
            if (held != null) {
                hits.inc();
                return held == ABSENT ? null : held;
            }
        }
        misses.inc();
        long snapshot = tables.latestSnapshot(dim);
        Map<String, Object> row = tables.lookup(dim, key, snapshot);
        synchronized (rows) {
            // a row read before a snapshot the refresher already passed could miss that snapshot's change: not kept
            if (snapshot >= refreshedUpTo) rows.put(key, row == null ? ABSENT : row);
        }
        return row;
    }

    /** Drops the held rows that the snapshots committed since the last refresh changed. */
    void refresh() {
        long latest;
        try {
            latest = tables.latestSnapshot(dim);
        } catch (RuntimeException e) {
            failures++;
            LOG.warn("Refresh of dimension {} failed, keeping the rows held: {}", dim.name(), e.toString());
            return;
        }
        long from;
        synchronized (rows) {
            from = refreshedUpTo;
        }
        if (latest > from) {
            Set<String> changed = null; // unknown: drop every row held
            if (from > 0) {
                try {
                    changed = tables.changedKeys(dim, from, latest);
                } catch (RuntimeException e) {
                    // e.g. the snapshots since the last refresh expired
                    failures++;
                    LOG.warn("Changes of dimension {} after snapshot {} unreadable, its rows are read again as used: {}",
                            dim.name(), from, e.toString());
                }
            }
            synchronized (rows) {
                if (changed == null) rows.clear();
                else rows.keySet().removeAll(changed);
                refreshedUpTo = latest;
            }
        }
        refreshedAt = System.currentTimeMillis();
    }

    @Override
    public void close() {
        if (refresher != null) refresher.shutdownNow();
    }
}
