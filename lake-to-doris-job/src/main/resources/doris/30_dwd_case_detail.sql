-- dwd_case_detail (case-metrics-job): one row per case. The lake's key is case_id alone; Doris needs the partition
-- column in the unique key, so the key is (case_id, date_key): case_id first for point look-ups, date_key only
-- because it partitions. date_key is the local date of the case's earliest start; when a late chunk moves it,
-- case-metrics-job retracts the old row (-D with the old date_key), which the sink deletes (docs/lake-to-doris-job.md).
CREATE TABLE IF NOT EXISTS `${database}`.`dwd_case_detail` (
    `case_id` VARCHAR(256) NOT NULL,
    `date_key` DATE NOT NULL COMMENT 'local date of start_ts',
    `car_id` VARCHAR(256) NOT NULL,
    `start_ts` BIGINT NOT NULL COMMENT 'epoch ms, earliest chunk start',
    `end_ts` BIGINT NOT NULL COMMENT 'epoch ms, latest chunk end',
    `trigger_type` VARCHAR(128) NOT NULL,
    `data_type` VARCHAR(128) NULL,
    `file_path` VARCHAR(2048) NULL COMMENT 'of the first chunk',
    `file_size` BIGINT NOT NULL COMMENT 'bytes over all chunks',
    `chunk_count` BIGINT NOT NULL,
    `city_code` VARCHAR(128) NOT NULL,
    `area_code` VARCHAR(128) NOT NULL,
    `route_code` VARCHAR(128) NOT NULL,
    `task_id` VARCHAR(128) NULL,
    `order_id` VARCHAR(128) NULL,
    `customer_id` VARCHAR(128) NULL,
    `context_ts_second` BIGINT NULL COMMENT 'epoch s of the heartbeat giving the context'
)
UNIQUE KEY(`case_id`, `date_key`)
COMMENT 'cases with their driving context, synced from the lake by lake-to-doris-job'
PARTITION BY RANGE(`date_key`) ()
DISTRIBUTED BY HASH(`case_id`) BUCKETS ${buckets}
PROPERTIES (
    "replication_num" = "${replication_num}",
    "enable_unique_key_merge_on_write" = "true",
    "dynamic_partition.enable" = "true",
    "dynamic_partition.time_unit" = "DAY",
    "dynamic_partition.start" = "-${history_days}",
    "dynamic_partition.end" = "3",
    "dynamic_partition.prefix" = "p",
    "dynamic_partition.buckets" = "${buckets}",
    "dynamic_partition.replication_num" = "${replication_num}",
    "dynamic_partition.create_history_partition" = "true",
    "dynamic_partition.time_zone" = "${timezone}"
);
