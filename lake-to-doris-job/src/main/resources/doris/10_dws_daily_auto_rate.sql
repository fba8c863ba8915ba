-- dws_daily_auto_rate (heartbeat-job): each car's daily autonomous-driving rate and mileage per city/area/route.
-- Same columns as the lake table; distances are km despite the *_miles names. Key = the lake's primary key.
CREATE TABLE IF NOT EXISTS `${database}`.`dws_daily_auto_rate` (
    `date_key` DATE NOT NULL COMMENT 'local date in the fleet time zone',
    `city_code` VARCHAR(128) NOT NULL,
    `area_code` VARCHAR(128) NOT NULL,
    `route_code` VARCHAR(128) NOT NULL,
    `car_id` VARCHAR(256) NOT NULL,
    `total_duration_seconds` BIGINT NOT NULL COMMENT 'distinct heartbeat seconds',
    `auto_duration_seconds` BIGINT NOT NULL COMMENT 'of them in autonomous mode',
    `auto_rate` DOUBLE NOT NULL COMMENT 'auto / total, 0 when total is 0',
    `total_miles` DOUBLE NOT NULL COMMENT 'km',
    `auto_miles` DOUBLE NOT NULL COMMENT 'km in autonomous mode'
)
UNIQUE KEY(`date_key`, `city_code`, `area_code`, `route_code`, `car_id`)
COMMENT 'daily auto-rate per car, synced from the lake by lake-to-doris-job'
PARTITION BY RANGE(`date_key`) ()
DISTRIBUTED BY HASH(`car_id`) BUCKETS ${buckets}
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
