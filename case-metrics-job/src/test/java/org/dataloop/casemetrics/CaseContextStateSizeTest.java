package org.dataloop.casemetrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import org.dataloop.common.ops.KeepWatermark;
import org.dataloop.common.dim.DimensionTables;
import org.dataloop.common.event.CaseChunk;
import org.dataloop.common.event.CaseDetail;
import org.dataloop.common.event.EnrichedHeartbeat;
import org.dataloop.common.event.Heartbeat;
import org.dataloop.common.runtime.JobRunner;
import org.dataloop.common.sim.FleetSimulator;
import org.dataloop.common.sim.SimulatorConfig;

/**
 * The context state of a car grows with its context changes and cases, not with its heartbeats: simulator cars
 * driving 1 h and 3 h hold about the same state per car. Prints the figure (bytes of a snapshot per car).
 */
class CaseContextStateSizeTest {
    private static final int CARS = 20;

    private static long snapshotBytesPerCar(long hours) throws Exception {
        SimulatorConfig config = new SimulatorConfig();
        config.cars = CARS;
        config.durationSeconds = hours * 3600;
        config.casesPerCarHour = 1;
        FleetSimulator sim = new FleetSimulator(config);
        var options = JobRunner.parse(new CaseMetricsJob(), new String[] {"--local"});
        var fn = new CaseContextFunction("case-metrics-job", ZoneId.of("Asia/Shanghai"), Duration.ofSeconds(60), Duration.ofHours(48),
                DimensionTables.fromOptions(options, List.of()), Duration.ofHours(1));
        try (var harness = new KeyedTwoInputStreamOperatorTestHarness<>(KeepWatermark.of(fn),
                (EnrichedHeartbeat e) -> e.heartbeat.carId, (CaseChunk c) -> c.carId, Types.STRING)) {
            harness.setup(TypeInformation.of(CaseDetail.class).createSerializer(harness.getExecutionConfig().getSerializerConfig()));
            harness.open();
            harness.processWatermarkStatus2(WatermarkStatus.IDLE);
            for (CaseChunk c : sim.caseChunks()) harness.processElement2(c, c.startTs);
            for (long s = config.startEpochSecond; s < config.startEpochSecond + config.durationSeconds; s++) {
                for (int car = 0; car < CARS; car++) {
                    Heartbeat h = sim.heartbeat(car, s);
                    EnrichedHeartbeat e = new EnrichedHeartbeat();
                    e.heartbeat = h;
                    e.cityCode = h.city;
                    e.areaCode = h.area;
                    e.routeCode = h.routeId;
                    harness.processElement1(e, s * 1000);
                }
                if (s % 10 == 0) harness.processWatermark1(new Watermark(s * 1000 - 5_000));
            }
            harness.processWatermark1(new Watermark((config.startEpochSecond + config.durationSeconds) * 1000));
            assertThat(harness.extractOutputValues()).as("every case resolved").hasSize((int) sim.caseChunks().stream()
                    .map(c -> c.caseId).distinct().count());
            OperatorSubtaskState snapshot = harness.snapshot(1, 1);
            return snapshot.getStateSize() / CARS;
        }
    }

    @Test
    void stateGrowsWithCasesAndContextChangesNotWithHeartbeats() throws Exception {
        long oneHour = snapshotBytesPerCar(1);
        long threeHours = snapshotBytesPerCar(3);
        System.out.printf("case-context state per car: %,d bytes after 1 h, %,d bytes after 3 h (3,600 / 10,800 heartbeats)%n",
                oneHour, threeHours);
        // a per-heartbeat entry would be ≥ 8 bytes × 7,200 more heartbeats
        assertThat(threeHours - oneHour).isLessThan(8 * 7_200);
        assertThat(threeHours).isLessThan(20_000);
    }
}
