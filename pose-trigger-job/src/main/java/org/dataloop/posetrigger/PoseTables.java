package org.dataloop.posetrigger;

import org.dataloop.common.event.HardBrakeTrigger;
import org.dataloop.common.event.PoseSample;
import org.dataloop.common.io.ColumnType;
import org.dataloop.common.io.TableDef;

/** The outputs of pose-trigger-job (contract §4): ods_pose, the trigger topic and tag_tall_table. */
public final class PoseTables {
    private PoseTables() {}

    public static final TableDef<PoseSample> ODS_POSE = TableDef.<PoseSample>builder("ods_pose", TableDef.Store.LAKE)
            .required("car_id", ColumnType.STRING, p -> p.carId)
            .required("timestamp_ms", ColumnType.BIGINT, p -> p.timestampMs)
            .required("speed", ColumnType.DOUBLE, p -> p.speed)
            .required("acceleration_longitudinal", ColumnType.DOUBLE, p -> p.accelerationLongitudinal)
            .optional("latitude", ColumnType.DOUBLE, p -> p.latitude)
            .optional("longitude", ColumnType.DOUBLE, p -> p.longitude)
            .optional("acceleration_lateral", ColumnType.DOUBLE, p -> p.accelerationLateral)
            .optional("heading", ColumnType.DOUBLE, p -> p.heading)
            .optional("angular_velocity", ColumnType.DOUBLE, p -> p.angularVelocity)
            .optional("steering_angle", ColumnType.DOUBLE, p -> p.steeringAngle)
            .optional("throttle", ColumnType.DOUBLE, p -> p.throttle)
            .optional("brake", ColumnType.DOUBLE, p -> p.brake)
            .primaryKey("car_id", "timestamp_ms")
            .build();

    /**
     * The trigger topic {@code trigger-hard-brake}, keyed by car_id; locally {@code trigger_hard_brake.jsonl}.
     * {@code timestamp_ms} and {@code acceleration} are the seed's names for old consumers.
     */
    public static final TableDef<HardBrakeTrigger> TRIGGER_HARD_BRAKE =
            TableDef.<HardBrakeTrigger>builder("trigger_hard_brake", TableDef.Store.KAFKA)
                    .storeName("trigger-hard-brake")
                    .required("trigger_id", ColumnType.STRING, t -> t.triggerId)
                    .required("car_id", ColumnType.STRING, t -> t.carId)
                    .required("trigger_type", ColumnType.STRING, t -> t.triggerType)
                    .required("start_ts", ColumnType.BIGINT, t -> t.startTs)
                    .required("end_ts", ColumnType.BIGINT, t -> t.endTs)
                    .required("duration_ms", ColumnType.BIGINT, t -> t.durationMs)
                    .required("peak_decel", ColumnType.DOUBLE, t -> t.peakDecel)
                    .required("speed_start", ColumnType.DOUBLE, t -> t.speedStart)
                    .required("speed_end", ColumnType.DOUBLE, t -> t.speedEnd)
                    .optional("latitude", ColumnType.DOUBLE, t -> t.latitude)
                    .optional("longitude", ColumnType.DOUBLE, t -> t.longitude)
                    .required("sample_count", ColumnType.INT, t -> t.sampleCount)
                    .required("timestamp_ms", ColumnType.BIGINT, t -> t.startTs)
                    .required("acceleration", ColumnType.DOUBLE, t -> -t.peakDecel)
                    .primaryKey("trigger_id")
                    .kafkaKey("car_id")
                    .build();

    /** Tags per car and second: tag 1 speed (number), tag 2 hard_brake (bool); see docs/pose-trigger-job.md. */
    public static final TableDef<TagRow> TAG_TALL_TABLE = TableDef.<TagRow>builder("tag_tall_table", TableDef.Store.LAKE)
            .required("car_id", ColumnType.STRING, t -> t.carId)
            .required("ts_second", ColumnType.BIGINT, t -> t.tsSecond)
            .required("tag_id", ColumnType.INT, t -> t.tagId)
            .required("tag_name", ColumnType.STRING, t -> t.tagName)
            .required("value_type", ColumnType.STRING, t -> t.valueType)
            .required("value", ColumnType.STRING, t -> t.value)
            .primaryKey("car_id", "ts_second", "tag_id")
            .build();
}
