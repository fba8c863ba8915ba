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

import org.dataloop.common.io.PaimonTables;

/**
 * The rows of a dimension table too large to hold whole in every subtask (dim_order grows with every order ever
 * placed), looked up by key in the lake and kept in a bounded cache: at most {@code maxRows} rows, the least recently
 * used out first. Every refresh interval a thread of its own reads the changes the table's new snapshots wrote and
 * drops the held rows they changed (all of them after an overwrite, a rollback or expired snapshots), so a change at
 * the source reaches the facts within that interval and a row that did not change is never read again. A miss reads
 * the key's files of the snapshot the cache is exact for, on the processing thread.
 *
 * <p>The lake must be readable: the first read and a miss are retried (as {@link DimensionCache}'s first load) up to
 * {@code --dim.first-load-timeout}, then the task fails; a failed refresh keeps the rows held. Metrics:
 * {@code dimension_lookup_hits}, {@code dimension_lookup_misses} (reads of the lake), {@code dimension_lookup_rows}
 * (held now), and as {@link DimensionCache} {@code dimension_age_ms} (since the last good refresh) and
 * {@code dimension_load_failures}. In a local run (a snapshot file) the file is held whole.
 */
public final class DimensionLookup implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DimensionLookup.class);
    private static final Map<String, Object> ABSENT = Map.of();

    private final DimensionTables tables;
    private final DimensionDef dim;
    private final Map<String, Map<String, Object>> fileRows;
    /** Guarded by itself: every held row is exact for snapshot {@link #refreshedUpTo}. */
    private final LinkedHashMap<String, Map<String, Object>> rows;
    private final Counter hits;
    private final Counter misses;
    /** One per thread: the processing thread's misses and the refresher's changes. */
    private final PaimonTables.KeyedReads lookups;
    private final PaimonTables.KeyedReads changes;
    private final ScheduledExecutorService refresher;
    private long refreshedUpTo;
    private volatile long refreshedAt = System.currentTimeMillis();
    private volatile long failures;

    public DimensionLookup(DimensionTables tables, DimensionDef dim, int maxRows, Duration refresh, MetricGroup metrics)
            throws InterruptedException {
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
            lookups = changes = null;
            refresher = null;
            return;
        }
        fileRows = null;
        lookups = tables.keyedReads(dim);
        changes = tables.keyedReads(dim);
        refreshedUpTo = Retried.within(tables.firstLoadTimeout(), "lake table " + dim.name(), lookups::latestSnapshotId, () -> failures++);
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dimension refresh " + dim.name());
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(this::refresh, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The row with this key, or null. */
    public Map<String, Object> get(String key) throws InterruptedException {
        if (fileRows != null) return fileRows.get(key);
        long snapshot;
        synchronized (rows) {
            Map<String, Object> held = rows.get(key);
            if (held != null) {
                hits.inc();
                return held == ABSENT ? null : held;
            }
            snapshot = refreshedUpTo;
        }
        misses.inc();
        Map<String, Object> row = Retried.within(tables.firstLoadTimeout(), "lake table " + dim.name(), () -> lookups.row(key, snapshot),
                () -> failures++);
        synchronized (rows) {
            // the refresher moved on meanwhile: it may already have dropped this key's change, so the row is not kept
            if (snapshot == refreshedUpTo) rows.put(key, row == null ? ABSENT : row);
        }
        return row;
    }

    /** Drops the held rows that the snapshots committed since the last refresh changed. */
    void refresh() {
        try {
            long latest = changes.latestSnapshotId();
            long from;
            synchronized (rows) {
                from = refreshedUpTo;
            }
            if (latest != from) {
                // from 0 (no table before), a rollback (fewer snapshots), an overwrite or expired snapshots: unknown changes
                Set<String> changed = from == 0 || latest < from ? null : changes.changedKeys(from, latest);
                if (changed == null) LOG.info("Dimension {}: snapshots {} to {} changed unknown rows, dropping every held row", dim.name(), from, latest);
                synchronized (rows) {
                    if (changed == null) rows.clear();
                    else rows.keySet().removeAll(changed);
                    refreshedUpTo = latest;
                }
            }
            refreshedAt = System.currentTimeMillis();
        } catch (Throwable e) {
            // caught whatever it is: an escaping throwable would cancel every later refresh
            failures++;
            LOG.warn("Refresh of dimension {} failed, keeping the rows held: {}", dim.name(), e.toString());
        }
    }

    @Override
    public void close() throws Exception {
        if (refresher != null) refresher.shutdownNow();
        if (lookups != null) lookups.close();
        if (changes != null) changes.close();
    }
}
