-- realtime_metrics (case-metrics-job, Fluss): the same metrics as dws_daily_mps_mpd, updated as cases arrive.
CREATE TABLE IF NOT EXISTS `${database}`.`realtime_metrics` (
    `date_key` DATE NOT NULL COMMENT 'local date of the case start',
    `city_code` VARCHAR(128) NOT NULL,
    `trigger_type` VARCHAR(128) NOT NULL COMMENT 'a trigger type, or ALL',
    `case_count` BIGINT NOT NULL,
    `dangerous_case_count` BIGINT NOT NULL,
    `total_miles` DOUBLE NOT NULL COMMENT 'autonomous km of the whole fleet in the city that day',
    `mps` DOUBLE NOT NULL,
    `mpd` DOUBLE NOT NULL,
    `update_time` BIGINT NOT NULL COMMENT 'epoch ms when the row was computed'
)
UNIQUE KEY(`date_key`, `city_code`, `trigger_type`)
COMMENT 'real-time MPS/MPD, synced from Fluss by lake-to-doris-job'
PARTITION BY RANGE(`date_key`) ()
DISTRIBUTED BY HASH(`city_code`) BUCKETS ${buckets}
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
