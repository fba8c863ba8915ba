package org.dataloop.posetrigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.sim.FleetSimulator;
import org.dataloop.common.sim.InjectedBrake;
import org.dataloop.common.sim.SimulatorConfig;
import org.dataloop.common.testing.Launcher;
import org.dataloop.common.testing.ReplayFiles;

/**
 * The local replay interface of contract §7, run the way a user runs it, on simulator data with injected
 * hard brakes: {@code bin/dataloop run pose-trigger-job --local --input.pose F --output.dir D}.
 */
class PoseTriggerReplayIT {
    @TempDir
    Path tmp;

    @Test
    void findsEveryInjectedBrakeAndNothingElse() throws Exception {
        SimulatorConfig config = new SimulatorConfig();
        config.cars = 4;
        config.durationSeconds = 900;
        config.hardBrakesPerCarHour = 30;
        FleetSimulator sim = new FleetSimulator(config);
        Path in = tmp.resolve("sim");
        sim.writeJsonl(in);
        List<InjectedBrake> brakes = sim.injectedBrakes();
        assertThat(brakes).hasSizeGreaterThanOrEqualTo(12);
        Path out = tmp.resolve("out");

        Launcher.Result run = Launcher.run(tmp, "run", "pose-trigger-job", "--local", "--input.pose", in.resolve("pose.jsonl").toString(),
                "--output.dir", out.toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("records_in pose=" + sim.poseCount());

        List<Map<String, Object>> triggers = ReplayFiles.lines(out.resolve("trigger_hard_brake.jsonl"));
        Set<String> expected = new HashSet<>();
        for (InjectedBrake b : brakes) {
            expected.add(b.carId() + "|" + b.startTs() + "|" + b.endTs() + "|" + b.speedStart() + "|" + (b.durationMs() / 100 + 1));
        }
        List<String> found = new ArrayList<>();
        for (Map<String, Object> t : triggers) {
            assertThat(t).containsEntry("op", "+I").containsEntry("trigger_type", "hard_brake");
            found.add(t.get("car_id") + "|" + t.get("start_ts") + "|" + t.get("end_ts") + "|"
                    + ((Number) t.get("speed_start")).doubleValue() + "|" + t.get("sample_count"));
        }
        assertThat(found).containsExactlyInAnyOrderElementsOf(expected);

        // every car-second has its speed tag, every braking second its hard_brake tag
        List<Map<String, Object>> tags = ReplayFiles.lines(out.resolve("tag_tall_table.jsonl"));
        long brakeSeconds = brakes.stream().mapToLong(b -> b.endTs() / 1000 - b.startTs() / 1000 + 1).sum();
        assertThat(tags.stream().filter(t -> t.get("tag_name").equals("speed")).count()).isEqualTo(config.cars * config.durationSeconds);
        assertThat(tags.stream().filter(t -> t.get("tag_name").equals("hard_brake")).count()).isEqualTo(brakeSeconds);
        assertThat(ReplayFiles.lines(out.resolve("ods_pose.jsonl"))).hasSize((int) sim.poseCount());
        assertThat(out.resolve("dlq.jsonl")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyFile());
    }
}
