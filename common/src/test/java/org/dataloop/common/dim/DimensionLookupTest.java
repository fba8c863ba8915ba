package org.dataloop.common.dim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.testing.LakeFixtures;

/** dim_order looked up by key in the lake (Paimon on local disk) through a bounded cache that follows the table's changes. */
class DimensionLookupTest {
    private static final List<String> COLUMNS = List.of("task_id", "order_id", "customer_id");
    private static final List<String> KEY = List.of("task_id");
    /** Longer than any test: refreshes run only when a test calls them. */
    private static final Duration NO_TIMED_REFRESH = Duration.ofHours(1);

    @TempDir
    Path dir;

    /** Keeps the counters the lookup registers. */
    static final class Counters extends UnregisteredMetricsGroup {
        final Map<String, Counter> counters = new HashMap<>();

        @Override
        public Counter counter(String name) {
            return counters.computeIfAbsent(name, n -> new SimpleCounter());
        }

        long get(String name) {
            return counters.get(name).getCount();
        }
    }

    private PaimonTables lakeWithOrders(int orders) throws Exception {
        PaimonTables lake = new PaimonTables(Map.of("warehouse", dir.resolve("wh").toUri().toString(), "cache-enabled", "false"), "dataloop", 4);
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 0; i < orders; i++) rows.add(Map.of("task_id", "task-" + i, "order_id", "order-" + i, "customer_id", "cust-" + i % 7));
        LakeFixtures.upsert(lake, "dim_order", COLUMNS, KEY, rows);
        return lake;
    }

    private static DimensionLookup lookup(PaimonTables lake, int maxRows, Counters metrics) throws InterruptedException {
        DimensionTables tables = new DimensionTables(Map.of(), lake, Map.of("dim_order", "dim_order"), Duration.ZERO, maxRows);
        return new DimensionLookup(tables, DimensionDef.DIM_ORDER, maxRows, NO_TIMED_REFRESH, metrics);
    }

    @Test
    void aKeyIsReadFromTheLakeOnceThenServedFromTheCache() throws Exception {
        Counters metrics = new Counters();
        try (DimensionLookup orders = lookup(lakeWithOrders(500), 100, metrics)) {
            assertThat(orders.get("task-123")).containsEntry("order_id", "order-123").containsEntry("customer_id", "cust-4");
            assertThat(orders.get("task-123")).containsEntry("order_id", "order-123");
            assertThat(orders.get("task-none")).isNull();
            assertThat(orders.get("task-none")).isNull();
            assertThat(metrics.get("dimension_lookup_misses")).isEqualTo(2);
            assertThat(metrics.get("dimension_lookup_hits")).isEqualTo(2);
        }
    }

    @Test
    void aRefreshDropsTheRowsTheNewSnapshotsChangedAndKeepsTheOthers() throws Exception {
        PaimonTables lake = lakeWithOrders(10);
        Counters metrics = new Counters();
        try (DimensionLookup orders = lookup(lake, 100, metrics)) {
            orders.get("task-1");
            orders.get("task-2");
            orders.get("task-3");
            orders.get("task-new");
            LakeFixtures.upsert(lake, "dim_order", COLUMNS, KEY, List.of(
                    Map.of("task_id", "task-1", "order_id", "order-1b", "customer_id", "cust-0"),
                    Map.of("task_id", "task-new", "order_id", "order-n", "customer_id", "cust-9")));
            LakeFixtures.delete(lake, "dim_order", COLUMNS, KEY, List.of(Map.of("task_id", "task-2", "order_id", "order-2", "customer_id", "cust-2")));
            // until the refresh the held rows are served as they were read
            assertThat(orders.get("task-1")).containsEntry("order_id", "order-1");
            assertThat(metrics.get("dimension_lookup_misses")).isEqualTo(4);

            orders.refresh();
            assertThat(orders.get("task-1")).containsEntry("order_id", "order-1b");
            assertThat(orders.get("task-2")).isNull();
            assertThat(orders.get("task-new")).containsEntry("order_id", "order-n");
            assertThat(orders.get("task-3")).containsEntry("order_id", "order-3");
            // task-1, task-2 and task-new read again; task-3 (unchanged) still held
            assertThat(metrics.get("dimension_lookup_misses")).isEqualTo(7);
        }
    }

    @Test
    void aTableCreatedAfterTheTaskOpenedIsReadAfterTheNextRefresh() throws Exception {
        PaimonTables lake = new PaimonTables(Map.of("warehouse", dir.resolve("wh").toUri().toString(), "cache-enabled", "false"), "dataloop", 4);
        try (DimensionLookup orders = lookup(lake, 100, new Counters())) {
            assertThat(orders.get("task-1")).isNull();
            LakeFixtures.upsert(lake, "dim_order", COLUMNS, KEY, List.of(Map.of("task_id", "task-1", "order_id", "order-1", "customer_id", "c")));
            orders.refresh();
            assertThat(orders.get("task-1")).containsEntry("order_id", "order-1");
        }
    }

    @Test
    void anOverwriteOfTheTableDropsEveryHeldRow() throws Exception {
        PaimonTables lake = lakeWithOrders(10);
        Counters metrics = new Counters();
        try (DimensionLookup orders = lookup(lake, 100, metrics)) {
            assertThat(orders.get("task-1")).containsEntry("order_id", "order-1");
            // an overwrite's changes are no delta: what it replaced is unknown, so nothing held is kept
            LakeFixtures.overwrite(lake, "dim_order", COLUMNS, KEY, List.of(Map.of("task_id", "task-1", "order_id", "order-1x", "customer_id", "c")));
            orders.refresh();
            assertThat(orders.get("task-1")).containsEntry("order_id", "order-1x");
            assertThat(metrics.get("dimension_lookup_misses")).isEqualTo(2);
        }
    }

    @Test
    void atMostTheConfiguredRowsAreHeldTheLeastRecentlyUsedGoFirst() throws Exception {
        Counters metrics = new Counters();
        try (DimensionLookup orders = lookup(lakeWithOrders(10), 2, metrics)) {
            orders.get("task-1");
            orders.get("task-2");
            orders.get("task-1"); // task-2 is now the least recently used
            orders.get("task-3"); // evicts task-2
            orders.get("task-1"); // still held
            orders.get("task-2"); // read again
            assertThat(metrics.get("dimension_lookup_misses")).isEqualTo(4);
            assertThat(metrics.get("dimension_lookup_hits")).isEqualTo(2);
        }
    }
}
