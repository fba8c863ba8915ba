package org.dataloop.posetrigger;

import java.time.Duration;
import java.util.List;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.config.OptionsException;
import org.dataloop.common.event.HardBrakeTrigger;
import org.dataloop.common.event.PoseSample;
import org.dataloop.common.io.TableDef;
import org.dataloop.common.ops.KeepWatermark;
import org.dataloop.common.ops.TimeSlotDeduplicator;
import org.dataloop.common.parse.PoseParser;
import org.dataloop.common.parse.RecordParser;
import org.dataloop.common.runtime.JobDefinition;
import org.dataloop.common.runtime.JobIO;
import org.dataloop.common.runtime.JobRunner;

/**
 * pose-trigger-job: Kafka {@code pose} → validate → de-duplicate → {@code ods_pose} (lake) → per car in
 * event-time order: hard-brake detection → Kafka {@code trigger-hard-brake}, and the speed / hard_brake
 * tags → {@code tag_tall_table} (lake).
 */
public final class PoseTriggerJob implements JobDefinition {

    /** How triggers are delivered to Kafka; see docs/pose-trigger-job.md for the trade-off. */
    public enum Delivery { exactly_once, at_least_once }

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS = ConfigOptions.key("pose.out-of-orderness")
            .durationType().defaultValue(Duration.ofSeconds(1))
            .withDescription("How far pose samples may arrive out of order (watermark bound); older ones are late.");
    public static final ConfigOption<Duration> DEDUP_CLEANUP_INTERVAL = ConfigOptions.key("pose.dedup-cleanup-interval")
            .durationType().defaultValue(Duration.ofSeconds(1))
            .withDescription("Granularity at which seen (car_id, timestamp_ms) keys are forgotten once late: one cleanup timer per car and interval.");
    public static final ConfigOption<Double> THRESHOLD = ConfigOptions.key("hard-brake.threshold")
            .doubleType().defaultValue(4.0)
            .withDescription("A sample is braking when acceleration_longitudinal <= -threshold (m/s²).");
    public static final ConfigOption<Duration> MAX_SAMPLE_GAP = ConfigOptions.key("hard-brake.max-sample-gap")
            .durationType().defaultValue(Duration.ofSeconds(1))
            .withDescription("Two braking samples further apart than this are not consecutive (the episode ends).");
    public static final ConfigOption<Duration> MERGE_GAP = ConfigOptions.key("hard-brake.merge-gap")
            .durationType().defaultValue(Duration.ofSeconds(1))
            .withDescription("Episodes whose gap (next start - previous end) is below this merge into one.");
    public static final ConfigOption<Duration> MIN_DURATION = ConfigOptions.key("hard-brake.min-duration")
            .durationType().defaultValue(Duration.ofMillis(200))
            .withDescription("An episode is a trigger when end_ts - start_ts is at least this ...");
    public static final ConfigOption<Double> MIN_SPEED = ConfigOptions.key("hard-brake.min-speed")
            .doubleType().defaultValue(5.0)
            .withDescription("... and the speed of its first sample is at least this (km/h).");
    public static final ConfigOption<Duration> STATE_TIMEOUT = ConfigOptions.key("hard-brake.state-timeout")
            .durationType().defaultValue(Duration.ofMinutes(5))
            .withDescription("A car's detector state is removed this long (event time) after its last sample; must exceed both gaps.");
    public static final ConfigOption<Delivery> DELIVERY = ConfigOptions.key("trigger.delivery")
            .enumType(Delivery.class).defaultValue(Delivery.exactly_once)
            .withDescription("exactly_once: Kafka transactions, triggers visible at each checkpoint; at_least_once: "
                    + "visible at once, repeats after a failover (same trigger_id).");

    public static void main(String[] args) throws Exception {
        JobRunner.main(new PoseTriggerJob(), args);
    }

    @Override
    public String name() {
        return "pose-trigger-job";
    }

    @Override
    public String summary() {
        return "Vehicle pose samples (5-10 Hz) to the lake (ods_pose), hard-brake triggers to Kafka (trigger-hard-brake)\n"
                + "and per-second speed / hard_brake tags (tag_tall_table).";
    }

    @Override
    public List<RecordParser<?>> streams() {
        return List.of(new PoseParser());
    }

    @Override
    public List<TableDef<?>> outputs() {
        return List.of(PoseTables.ODS_POSE, PoseTables.TRIGGER_HARD_BRAKE, PoseTables.TAG_TALL_TABLE);
    }

    @Override
    public List<ConfigOption<?>> options() {
        return List.of(OUT_OF_ORDERNESS, DEDUP_CLEANUP_INTERVAL, THRESHOLD, MAX_SAMPLE_GAP, MERGE_GAP, MIN_DURATION,
                MIN_SPEED, STATE_TIMEOUT, DELIVERY);
    }

    /** The detector's settings from the options. */
    public static HardBrakeParams params(JobOptions options) {
        return new HardBrakeParams(options.get(THRESHOLD), options.get(MAX_SAMPLE_GAP), options.get(MERGE_GAP),
                options.get(MIN_DURATION), options.get(MIN_SPEED));
    }

    @Override
    public void defineWorkflow(JobIO io, JobOptions options) {
        HardBrakeParams params = params(options);
        long timeoutMs = options.get(STATE_TIMEOUT).toMillis();
        if (timeoutMs <= params.maxOpenMs()) {
            throw new OptionsException("bad value for --" + STATE_TIMEOUT.key() + ": must be longer than --"
                    + MERGE_GAP.key() + " and --" + MAX_SAMPLE_GAP.key());
        }
        if (options.get(DEDUP_CLEANUP_INTERVAL).toMillis() < 1) {
            throw new OptionsException("bad value for --" + DEDUP_CLEANUP_INTERVAL.key() + ": must be at least 1 ms");
        }

        SingleOutputStreamOperator<PoseSample> poses = io.read(new PoseParser(), options.get(OUT_OF_ORDERNESS));

        SingleOutputStreamOperator<PoseSample> unique = poses
                .keyBy(p -> p.carId, Types.STRING)
                .transform("de-duplicate pose", poses.getType(),
                        KeepWatermark.of(new TimeSlotDeduplicator<>(name(), new PoseDedupPolicy(options.get(DEDUP_CLEANUP_INTERVAL)))))
                .uid("dedup-pose");
        io.deadLetters(unique.getSideOutput(TimeSlotDeduplicator.LATE));
        io.write(PoseTables.ODS_POSE, unique);

        // still partitioned by car from the de-duplication: no second shuffle
        SingleOutputStreamOperator<HardBrakeTrigger> triggers = DataStreamUtils
                .reinterpretAsKeyedStream(unique, p -> p.carId, Types.STRING)
                .transform("detect hard brakes", TypeInformation.of(HardBrakeTrigger.class),
                        KeepWatermark.of(new HardBrakeFunction(name(), params, timeoutMs)))
                .uid("hard-brake");
        io.deadLetters(triggers.getSideOutput(HardBrakeFunction.LATE));
        DeliveryGuarantee guarantee = options.get(DELIVERY) == Delivery.exactly_once
                ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE;
        io.write(PoseTables.TRIGGER_HARD_BRAKE, triggers, guarantee);
        io.write(PoseTables.TAG_TALL_TABLE, triggers.getSideOutput(HardBrakeFunction.TAGS));
    }
}
