package org.dataloop.common.tables;

import java.io.Serializable;

import org.dataloop.common.event.DailyAutoRate;
import org.dataloop.common.event.EnrichedHeartbeat;
import org.dataloop.common.event.Heartbeat;
import org.dataloop.common.io.ColumnType;
import org.dataloop.common.io.TableDef;

/** The output tables of heartbeat-job (contract §4). Distances are km despite the *_miles names. */
public final class HeartbeatTables {
    private HeartbeatTables() {}

    public static final TableDef<Heartbeat> ODS_HEARTBEAT =
            heartbeatColumns(TableDef.<Heartbeat>builder("ods_heartbeat", TableDef.Store.LAKE), h -> h)
                    .primaryKey("car_id", "ts_second")
                    .build();

    public static final TableDef<EnrichedHeartbeat> REALTIME_HEARTBEAT =
            heartbeatColumns(TableDef.<EnrichedHeartbeat>builder("realtime_heartbeat", TableDef.Store.FLUSS), e -> e.heartbeat)
                    .required("city_code", ColumnType.STRING, e -> e.cityCode)
                    .required("area_code", ColumnType.STRING, e -> e.areaCode)
                    .required("route_code", ColumnType.STRING, e -> e.routeCode)
                    .primaryKey("car_id", "ts_second")
                    .build();

    public static final TableDef<EnrichedHeartbeat> DWD_HEARTBEAT_CLEAN =
            heartbeatColumns(TableDef.<EnrichedHeartbeat>builder("dwd_heartbeat_clean", TableDef.Store.LAKE), e -> e.heartbeat)
                    .required("city_code", ColumnType.STRING, e -> e.cityCode)
                    .optional("city_name", ColumnType.STRING, e -> e.cityName)
                    .required("area_code", ColumnType.STRING, e -> e.areaCode)
                    .optional("area_name", ColumnType.STRING, e -> e.areaName)
                    .required("route_code", ColumnType.STRING, e -> e.routeCode)
                    .optional("route_name", ColumnType.STRING, e -> e.routeName)
                    .optional("car_type", ColumnType.STRING, e -> e.carType)
                    .optional("car_model", ColumnType.STRING, e -> e.carModel)
                    .primaryKey("car_id", "ts_second")
                    .storeOption("changelog-producer", "input")
                    .build();

    public static final TableDef<DailyAutoRate> DWS_DAILY_AUTO_RATE =
            TableDef.<DailyAutoRate>builder("dws_daily_auto_rate", TableDef.Store.LAKE)
                    .required("date_key", ColumnType.DATE, r -> r.dateKey)
                    .required("city_code", ColumnType.STRING, r -> r.cityCode)
                    .required("area_code", ColumnType.STRING, r -> r.areaCode)
                    .required("route_code", ColumnType.STRING, r -> r.routeCode)
                    .required("car_id", ColumnType.STRING, r -> r.carId)
                    .required("total_duration_seconds", ColumnType.BIGINT, r -> r.totalDurationSeconds)
                    .required("auto_duration_seconds", ColumnType.BIGINT, r -> r.autoDurationSeconds)
                    .required("auto_rate", ColumnType.DOUBLE, r -> r.autoRate)
                    .required("total_miles", ColumnType.DOUBLE, r -> r.totalMiles)
                    .required("auto_miles", ColumnType.DOUBLE, r -> r.autoMiles)
                    .primaryKey("date_key", "city_code", "area_code", "route_code", "car_id")
                    .partitionedBy("date_key")
                    .storeOption("changelog-producer", "input")
                    .op(r -> r.version <= 1 ? "+I" : "+U")
                    .build();

    /** The heartbeat inside a row; serializable because column getters travel with the job. */
    private interface HeartbeatOf<T> extends Serializable {
        Heartbeat of(T row);
    }

    private static <T> TableDef.Builder<T> heartbeatColumns(TableDef.Builder<T> b, HeartbeatOf<T> hb) {
        return b.required("car_id", ColumnType.STRING, r -> hb.of(r).carId)
                .required("ts_second", ColumnType.BIGINT, r -> hb.of(r).tsSecond)
                .required("driving_mode", ColumnType.STRING, r -> hb.of(r).drivingMode)
                .required("speed", ColumnType.DOUBLE, r -> hb.of(r).speed)
                .optional("road_type", ColumnType.STRING, r -> hb.of(r).roadType)
                .optional("task_id", ColumnType.STRING, r -> hb.of(r).taskId)
                .optional("task_status", ColumnType.STRING, r -> hb.of(r).taskStatus)
                .optional("city", ColumnType.STRING, r -> hb.of(r).city)
                .optional("area", ColumnType.STRING, r -> hb.of(r).area)
                .optional("route_id", ColumnType.STRING, r -> hb.of(r).routeId);
    }
}
