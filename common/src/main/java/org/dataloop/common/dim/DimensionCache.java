package org.dataloop.common.dim;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current rows of a few small dimension tables, held in memory by an enrichment function and
 * re-read every refresh interval, so facts are enriched with the dimension as it is when they are
 * processed (contract §3). Create it in {@code open()} and close it in {@code close()}.
 *
 * <p>The first load must succeed before any fact is enriched (raw codes written for want of a table that could not
 * be read would be wrong rows): it is retried with a growing pause up to {@link DimensionTables#firstLoadTimeout},
 * then the task fails and the job's restart strategy applies. Later reloads run on a thread of their own and replace
 * the rows at once when done, so the processing thread never waits for the lake; a failed reload keeps the last good
 * rows. Metrics: {@code dimension_age_ms} (since the last good load) and {@code dimension_load_failures}.
 */
public final class DimensionCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DimensionCache.class);

    private final DimensionTables tables;
    private final List<DimensionDef> dims;
    private final long refreshMs;
    private final ExecutorService reloader;
    private final AtomicBoolean reloading = new AtomicBoolean();
    private volatile Map<String, Map<String, Map<String, Object>>> rows;
    private volatile long loadedAt;
    private volatile long failures;
    private long lastAttempt;

    public DimensionCache(DimensionTables tables, List<DimensionDef> dims, Duration refresh, MetricGroup metrics) throws InterruptedException {
        this.tables = tables;
        this.dims = dims;
        this.refreshMs = refresh.toMillis();
        metrics.gauge("dimension_age_ms", () -> System.currentTimeMillis() - loadedAt);
        metrics.gauge("dimension_load_failures", () -> failures);
        firstLoad();
        this.reloader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dimension reload " + dims);
            t.setDaemon(true);
            return t;
        });
    }

    /** The row of {@code dim} with this key, or null. */
    public Map<String, Object> get(DimensionDef dim, Object... key) {
        long now = System.currentTimeMillis();
        if (now - lastAttempt >= refreshMs && reloading.compareAndSet(false, true)) {
            lastAttempt = now;
            reloader.execute(() -> {
                try {
                    rows = load();
                    loadedAt = System.currentTimeMillis();
                } catch (RuntimeException e) {
                    failures++;
                    LOG.warn("Dimension reload failed, enriching with the rows of {} ms ago: {}",
                            System.currentTimeMillis() - loadedAt, e.toString());
                } finally {
                    reloading.set(false);
                }
            });
        }
        return rows.getOrDefault(dim.name(), Map.of()).get(DimensionDef.key(key));
    }

    private void firstLoad() throws InterruptedException {
        rows = Retried.within(tables.firstLoadTimeout(), "the dimension tables " + dims, this::load, () -> failures++);
        loadedAt = lastAttempt = System.currentTimeMillis();
    }

    private Map<String, Map<String, Map<String, Object>>> load() {
        Map<String, Map<String, Map<String, Object>>> fresh = new HashMap<>();
        for (DimensionDef d : dims) fresh.put(d.name(), tables.load(d));
        return fresh;
    }

    @Override
    public void close() {
        if (reloader != null) reloader.shutdownNow();
    }
}
