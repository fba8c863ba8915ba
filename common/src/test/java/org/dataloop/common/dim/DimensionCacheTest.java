package org.dataloop.common.dim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.testing.Await;

class DimensionCacheTest {
    @TempDir
    Path dir;

    /** Keeps the gauges the cache registers. */
    static final class Gauges extends UnregisteredMetricsGroup {
        final Map<String, Gauge<?>> gauges = new HashMap<>();

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            gauges.put(name, gauge);
            return gauge;
        }

        long value(String name) {
            return ((Number) gauges.get(name).getValue()).longValue();
        }
    }

    private DimensionTables carsFrom(Path file, Duration firstLoadTimeout) {
        return new DimensionTables(Map.of("dim_car", file.toString()), null, Map.of(), firstLoadTimeout);
    }

    @Test
    void aFirstLoadThatNeverSucceedsFailsTheTaskAfterTheTimeout() {
        Gauges metrics = new Gauges();
        assertThatThrownBy(() -> new DimensionCache(carsFrom(dir.resolve("missing.jsonl"), Duration.ofMillis(1500)),
                List.of(DimensionDef.DIM_CAR), Duration.ofMinutes(1), metrics))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot read the dimension tables").hasMessageContaining("--dim.first-load-timeout");
        assertThat(metrics.value("dimension_load_failures")).isGreaterThanOrEqualTo(2); // at once, and again after a pause
    }

    @Test
    void noFactIsEnrichedBeforeTheFirstLoadSucceeds() throws Exception {
        Path file = dir.resolve("dim_car.jsonl");
        Gauges metrics = new Gauges();
        CompletableFuture<DimensionCache> opening = CompletableFuture.supplyAsync(() -> {
            try {
                return new DimensionCache(carsFrom(file, Duration.ofMinutes(1)), List.of(DimensionDef.DIM_CAR), Duration.ofMinutes(1), metrics);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until(Duration.ofSeconds(30), () -> metrics.gauges.containsKey("dimension_load_failures")
                && metrics.value("dimension_load_failures") >= 1 ? true : null);
        assertThat(opening).isNotDone(); // open() is still retrying: the task has not started processing
        writeAtOnce(file, "{\"car_id\":\"car-1\",\"car_type\":\"robotaxi\",\"car_model\":\"M1\"}\n");
        try (DimensionCache cache = opening.get(30, TimeUnit.SECONDS)) {
            assertThat(cache.get(DimensionDef.DIM_CAR, "car-1")).containsEntry("car_model", "M1");
        }
    }

    @Test
    void aReloadHappensAsideAndTheNewRowsReplaceTheOldAtOnce() throws Exception {
        Path file = dir.resolve("dim_car.jsonl");
        Files.writeString(file, "{\"car_id\":\"car-1\",\"car_type\":\"robotaxi\",\"car_model\":\"M1\"}\n");
        Gauges metrics = new Gauges();
        try (DimensionCache cache = new DimensionCache(carsFrom(file, Duration.ofMinutes(1)), List.of(DimensionDef.DIM_CAR),
                Duration.ZERO, metrics)) {
            writeAtOnce(file, "{\"car_id\":\"car-1\",\"car_type\":\"robotaxi\",\"car_model\":\"M2\"}\n");
            Await.until(Duration.ofSeconds(30), () -> "M2".equals(cache.get(DimensionDef.DIM_CAR, "car-1").get("car_model")) ? true : null);
            Files.delete(file); // a failed reload keeps the last good rows
            Await.until(Duration.ofSeconds(30), () -> {
                assertThat(cache.get(DimensionDef.DIM_CAR, "car-1")).containsEntry("car_model", "M2");
                return metrics.value("dimension_load_failures") >= 1 ? true : null;
            });
            assertThat(cache.get(DimensionDef.DIM_CAR, "car-1")).containsEntry("car_model", "M2");
        }
    }

    /** Writes aside and moves: a reload running meanwhile never reads a half-written (or empty) file. */
    private void writeAtOnce(Path file, String content) throws Exception {
        Path aside = Files.writeString(dir.resolve(file.getFileName() + ".tmp"), content);
        Files.move(aside, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
