package org.dataloop.common.tables;

import org.dataloop.common.event.CaseChunk;
import org.dataloop.common.event.CaseDetail;
import org.dataloop.common.event.MpsMpd;
import org.dataloop.common.io.ColumnType;
import org.dataloop.common.io.TableDef;

/**
 * The output tables of case-metrics-job (contract §4), here because lake-to-doris-job reads them too.
 * Distances are km despite the *_miles names.
 */
public final class CaseMetricsTables {
    private CaseMetricsTables() {}

    public static final TableDef<CaseChunk> ODS_CASE_MAPPING =
            TableDef.<CaseChunk>builder("ods_case_mapping", TableDef.Store.LAKE)
                    .required("case_id", ColumnType.STRING, c -> c.caseId)
                    .required("chunk_id", ColumnType.STRING, c -> c.chunkId)
                    .required("car_id", ColumnType.STRING, c -> c.carId)
                    .required("start_ts", ColumnType.BIGINT, c -> c.startTs)
                    .required("end_ts", ColumnType.BIGINT, c -> c.endTs)
                    .required("trigger_type", ColumnType.STRING, c -> c.triggerType)
                    .optional("file_path", ColumnType.STRING, c -> c.filePath)
                    .optional("file_size", ColumnType.BIGINT, c -> c.fileSize)
                    .optional("data_type", ColumnType.STRING, c -> c.dataType)
                    .optional("upload_time", ColumnType.BIGINT, c -> c.uploadTime)
                    .primaryKey("case_id", "chunk_id")
                    .build();

    public static final TableDef<CaseDetail> DWD_CASE_DETAIL =
            TableDef.<CaseDetail>builder("dwd_case_detail", TableDef.Store.LAKE)
                    .required("case_id", ColumnType.STRING, c -> c.caseId)
                    .required("car_id", ColumnType.STRING, c -> c.carId)
                    .required("date_key", ColumnType.DATE, c -> c.dateKey)
                    .required("start_ts", ColumnType.BIGINT, c -> c.startTs)
                    .required("end_ts", ColumnType.BIGINT, c -> c.endTs)
                    .required("trigger_type", ColumnType.STRING, c -> c.triggerType)
                    .optional("data_type", ColumnType.STRING, c -> c.dataType)
                    .optional("file_path", ColumnType.STRING, c -> c.filePath)
                    .required("file_size", ColumnType.BIGINT, c -> c.fileSize)
                    .required("chunk_count", ColumnType.BIGINT, c -> c.chunkCount)
                    .required("city_code", ColumnType.STRING, c -> c.cityCode)
                    .required("area_code", ColumnType.STRING, c -> c.areaCode)
                    .required("route_code", ColumnType.STRING, c -> c.routeCode)
                    .optional("task_id", ColumnType.STRING, c -> c.taskId)
                    .optional("order_id", ColumnType.STRING, c -> c.orderId)
                    .optional("customer_id", ColumnType.STRING, c -> c.customerId)
                    .optional("context_ts_second", ColumnType.BIGINT, c -> c.contextTsSecond)
                    .primaryKey("case_id")
                    .storeOption("changelog-producer", "input")
                    .op(c -> c.op)
                    .build();

    public static final TableDef<MpsMpd> DWS_DAILY_MPS_MPD = mpsMpd("dws_daily_mps_mpd", TableDef.Store.LAKE)
            .partitionedBy("date_key")
            .storeOption("changelog-producer", "input")
            .build();

    public static final TableDef<MpsMpd> REALTIME_METRICS = mpsMpd("realtime_metrics", TableDef.Store.FLUSS).build();

    private static TableDef.Builder<MpsMpd> mpsMpd(String name, TableDef.Store store) {
        return TableDef.<MpsMpd>builder(name, store)
                .required("date_key", ColumnType.DATE, r -> r.dateKey)
                .required("city_code", ColumnType.STRING, r -> r.cityCode)
                .required("trigger_type", ColumnType.STRING, r -> r.triggerType)
                .required("case_count", ColumnType.BIGINT, r -> r.caseCount)
                .required("dangerous_case_count", ColumnType.BIGINT, r -> r.dangerousCaseCount)
                .required("total_miles", ColumnType.DOUBLE, r -> r.totalMiles)
                .required("mps", ColumnType.DOUBLE, r -> r.mps)
                .required("mpd", ColumnType.DOUBLE, r -> r.mpd)
                .required("update_time", ColumnType.BIGINT, r -> r.updateTime)
                .primaryKey("date_key", "city_code", "trigger_type")
                .op(r -> r.op);
    }
}
