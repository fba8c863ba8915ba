package org.dataloop.common.dim;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current rows of a few small dimension tables, held in memory by an enrichment function and
 * re-read every refresh interval, so facts are enriched with the dimension as it is when they are
 * processed (contract §3). Create it in {@code open()}.
 */
public final class DimensionCache {
    private static final Logger LOG = LoggerFactory.getLogger(DimensionCache.class);

    private final DimensionTables tables;
    private final List<DimensionDef> dims;
    private final long refreshMs;
    private Map<String, Map<String, Map<String, Object>>> rows = Map.of();
    private long loadedAt;

    public DimensionCache(DimensionTables tables, List<DimensionDef> dims, Duration refresh) {
        this.tables = tables;
        this.dims = dims;
        this.refreshMs = refresh.toMillis();
        reload(System.currentTimeMillis());
    }

    /** The row of {@code dim} with this key, or null. */
    public Map<String, Object> get(DimensionDef dim, Object... key) {
        long now = System.currentTimeMillis();
        if (now - loadedAt >= refreshMs) reload(now);
        return rows.getOrDefault(dim.name(), Map.of()).get(DimensionDef.key(key));
    }

    private void reload(long now) {
        loadedAt = now;
        try {
            Map<String, Map<String, Map<String, Object>>> fresh = new HashMap<>();
            for (DimensionDef d : dims) fresh.put(d.name(), tables.load(d));
            rows = fresh;
        } catch (RuntimeException e) {
            // keep enriching with the last good copy (at start: none, so lookups fall back to raw values);
            // the next refresh tries again
            LOG.warn("Dimension refresh failed, keeping the previous rows ({} tables): {}", rows.size(), e.toString());
        }
    }
}
