package org.dataloop.posetrigger;

import static org.assertj.core.api.Assertions.assertThat;

import static org.dataloop.posetrigger.PoseTestData.T0;
import static org.dataloop.posetrigger.PoseTestData.json;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.sim.FleetSimulator;
import org.dataloop.common.sim.InjectedBrake;
import org.dataloop.common.sim.SimulatorConfig;
import org.dataloop.common.testing.Launcher;
import org.dataloop.common.testing.ReplayFiles;
import org.dataloop.common.testing.ReplaySplits;

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

    /**
     * Contract §7.1 through {@code bin/dataloop}: a hand-made file of two cars at 10 Hz (0 to 4.9 s after T0), in
     * time order, plus a late sample and a duplicate:
     * <ul>
     *   <li>car-a brakes 1000–1300 ms and 1800–2100 ms: two runs 500 ms apart that merge into one trigger (8 braking
     *       samples), and a single-sample spike at 3500 ms (duration 0: no trigger);</li>
     *   <li>car-b brakes 1500–2500 ms (11 samples, peak 7.5 m/s² at 2000 ms);</li>
     *   <li>after the samples at 3000 ms (watermark 1999 ms), car-a at 1550 ms, braking: late. Were it taken (a restore
     *       that forgot the watermark), it would be in ods_pose and join car-a's episode (9 samples);</li>
     *   <li>after the samples at 4400 ms (watermark 3399 ms), a second car-a sample at 4000 ms with another speed: a
     *       duplicate, dropped (had it won, ods_pose and the speed tag of car-a's 4th second would change).</li>
     * </ul>
     * Split after car-b's 2000 ms sample (both episodes open, car-b mid-brake), just before the late sample, and
     * after car-b's 4300 ms sample (car-a's trigger already out, the duplicate's first copy seen, its repeat not yet).
     */
    @Test
    void aReplayStoppedWithASavepointAndRestoredGivesTheOutputOfOneRunWhereverItIsSplit() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int k = 0; k < 50; k++) {
            long t = T0 + 100L * k;
            lines.add(json("car-a", t, carASpeed(k), carAAccel(k)));
            lines.add(json("car-b", t, k < 15 ? 70 : k <= 25 ? 70 - 3 * (k - 15) : 40, k < 15 ? -0.5 : k <= 25 ? (k == 20 ? -7.5 : -5.5) : 0.0));
            if (k == 30) lines.add(json("car-a", T0 + 1550, 42.5, -6.0)); // late
            if (k == 44) lines.add(json("car-a", T0 + 4000, 99.0, -1.0)); // duplicate of car-a at 4000 ms
        }
        Path pose = Files.write(tmp.resolve("pose-split.jsonl"), lines, StandardCharsets.UTF_8);
        long midBrake = lines.indexOf(json("car-b", T0 + 2000, 55, -7.5)) + 1;
        long beforeLate = lines.indexOf(json("car-a", T0 + 1550, 42.5, -6.0));
        long afterTrigger = lines.indexOf(json("car-b", T0 + 4300, 40, 0.0)) + 1;
        assertThat(List.of(midBrake, beforeLate, afterTrigger)).containsExactly(42L, 62L, 89L);

        long began = System.nanoTime();
        ReplaySplits.assertEveryOutputMatches(tmp, new PoseTriggerJob(), List.of("--input.pose", pose.toString()),
                midBrake, beforeLate, afterTrigger);
        System.out.printf("PoseTriggerReplayIT: 7 runs of bin/dataloop in %.1fs%n", (System.nanoTime() - began) / 1e9);

        // the uninterrupted run itself, by hand: two identically wrong runs must not pass
        Path whole = tmp.resolve("uninterrupted");
        List<Map<String, Object>> triggers = ReplayFiles.lines(whole.resolve("trigger_hard_brake.jsonl"));
        assertThat(triggers).hasSize(2);
        Map<String, Map<String, Object>> byCar = new TreeMap<>();
        for (Map<String, Object> t : triggers) byCar.put((String) t.get("car_id"), t);
        assertThat(byCar.keySet()).containsExactly("car-a", "car-b");
        assertTrigger(byCar.get("car-a"), "car-a", T0 + 1000, T0 + 2100, 8, 8.0, 50, 33);
        assertTrigger(byCar.get("car-b"), "car-b", T0 + 1500, T0 + 2500, 11, 7.5, 70, 40);

        List<Map<String, Object>> dlq = ReplayFiles.lines(whole.resolve("dlq.jsonl"));
        assertThat(dlq).hasSize(1);
        assertThat(dlq.get(0)).containsEntry("reason", "late").containsEntry("stream", "pose");
        assertThat((String) dlq.get(0).get("raw")).contains("\"car_id\":\"car-a\"").contains("\"timestamp_ms\":" + (T0 + 1550));

        Map<String, Map<String, Object>> ods = ReplayFiles.finalRows(whole.resolve("ods_pose.jsonl"), PoseTables.ODS_POSE.primaryKey());
        assertThat(ods).hasSize(100).doesNotContainKey("car-a|" + (T0 + 1550) + "|");
        assertThat(ods.get("car-a|" + (T0 + 4000) + "|")).containsEntry("speed", 33.0); // the first copy won

        Map<String, String> tags = new TreeMap<>();
        for (Map<String, Object> r : ReplayFiles.finalRows(whole.resolve("tag_tall_table.jsonl"), PoseTables.TAG_TALL_TABLE.primaryKey()).values()) {
            tags.put(r.get("car_id") + "|" + (((Number) r.get("ts_second")).longValue() - T0 / 1000) + "|" + r.get("tag_name"), (String) r.get("value"));
        }
        Map<String, String> expectedTags = new TreeMap<>();
        // mean speeds of each second's ten samples, worked out from carASpeed and car-b's profile
        String[] a = {"50.00", "43.00", "33.20", "33.00", "33.00"};
        String[] b = {"70.00", "67.00", "44.50", "40.00", "40.00"};
        for (int s = 0; s < 5; s++) {
            expectedTags.put("car-a|" + s + "|speed", a[s]);
            expectedTags.put("car-b|" + s + "|speed", b[s]);
        }
        for (String car : List.of("car-a", "car-b")) {
            expectedTags.put(car + "|1|hard_brake", "true");
            expectedTags.put(car + "|2|hard_brake", "true");
        }
        assertThat(tags).isEqualTo(expectedTags);
    }

    /** car-a: 50 km/h, braking 1000–1300 ms from 50 by 2 km/h a sample, slowing to 40 until 1700 ms, braking 1800–2100 ms to 33. */
    private static double carASpeed(int k) {
        if (k < 10) return 50;
        if (k <= 13) return 50 - 2 * (k - 10);
        if (k <= 17) return 43 - (k - 14);
        if (k <= 21) return 39 - 2 * (k - 18);
        return 33;
    }

    private static double carAAccel(int k) {
        return switch (k) {
            case 10 -> -6.0;
            case 11 -> -7.0;
            case 12 -> -6.5;
            case 13 -> -5.0;
            case 14, 15, 16, 17 -> -2.0;
            case 18 -> -4.0; // exactly the threshold: braking
            case 19 -> -8.0;
            case 20 -> -6.0;
            case 21 -> -5.0;
            case 35 -> -9.0; // a spike of one sample: duration 0, no trigger
            default -> -1.0;
        };
    }

    private static void assertTrigger(Map<String, Object> t, String car, long start, long end, int samples, double peak,
            double speedStart, double speedEnd) {
        String id = UUID.nameUUIDFromBytes(("hard_brake|" + car + "|" + start).getBytes(StandardCharsets.UTF_8)).toString();
        assertThat(t).as(car).containsEntry("op", "+I").containsEntry("trigger_id", id).containsEntry("trigger_type", "hard_brake")
                .containsEntry("start_ts", start).containsEntry("end_ts", end).containsEntry("timestamp_ms", start)
                .containsEntry("sample_count", samples)
                .containsEntry("peak_decel", peak).containsEntry("acceleration", -peak)
                .containsEntry("speed_start", speedStart).containsEntry("speed_end", speedEnd)
                .containsEntry("latitude", 31.2).containsEntry("longitude", 121.5);
        assertThat(((Number) t.get("duration_ms")).longValue()).as(car).isEqualTo(end - start);
    }
}
