-- ADS views over the DWS/DWD tables. Distances are km. MPS-style rates are per 10,000 autonomous km.

-- A daily fleet overview per city: cars, driving time, autonomous rate and mileage (dws_daily_auto_rate) with the
-- day's case figures (the 'ALL' row of dws_daily_mps_mpd).
CREATE VIEW IF NOT EXISTS `${database}`.`ads_daily_fleet_overview` AS
SELECT
    d.date_key,
    d.city_code,
    d.car_count,
    d.total_duration_seconds,
    d.auto_duration_seconds,
    CASE WHEN d.total_duration_seconds = 0 THEN 0 ELSE d.auto_duration_seconds / d.total_duration_seconds END AS auto_rate,
    d.total_miles,
    d.auto_miles,
    COALESCE(m.case_count, 0) AS case_count,
    COALESCE(m.dangerous_case_count, 0) AS dangerous_case_count,
    COALESCE(m.mps, 0) AS mps,
    COALESCE(m.mpd, 0) AS mpd
FROM (
    SELECT date_key, city_code,
           COUNT(DISTINCT car_id) AS car_count,
           SUM(total_duration_seconds) AS total_duration_seconds,
           SUM(auto_duration_seconds) AS auto_duration_seconds,
           SUM(total_miles) AS total_miles,
           SUM(auto_miles) AS auto_miles
    FROM `${database}`.`dws_daily_auto_rate`
    GROUP BY date_key, city_code
) d
LEFT JOIN `${database}`.`dws_daily_mps_mpd` m
    ON m.date_key = d.date_key AND m.city_code = d.city_code AND m.trigger_type = 'ALL';

-- Route health per day: autonomous rate and mileage of each route (dws_daily_auto_rate) and its cases
-- (dwd_case_detail), with cases per 10,000 autonomous km. Dangerous = the upstream default set (collision, dangerous).
CREATE VIEW IF NOT EXISTS `${database}`.`ads_route_health` AS
SELECT
    r.date_key,
    r.city_code,
    r.area_code,
    r.route_code,
    r.car_count,
    CASE WHEN r.total_duration_seconds = 0 THEN 0 ELSE r.auto_duration_seconds / r.total_duration_seconds END AS auto_rate,
    r.total_miles,
    r.auto_miles,
    COALESCE(c.case_count, 0) AS case_count,
    COALESCE(c.dangerous_case_count, 0) AS dangerous_case_count,
    CASE WHEN r.auto_miles = 0 THEN 0 ELSE COALESCE(c.case_count, 0) * 10000 / r.auto_miles END AS cases_per_10k_km,
    CASE WHEN r.auto_miles = 0 THEN 0 ELSE COALESCE(c.dangerous_case_count, 0) * 10000 / r.auto_miles END AS dangerous_per_10k_km
FROM (
    SELECT date_key, city_code, area_code, route_code,
           COUNT(DISTINCT car_id) AS car_count,
           SUM(total_duration_seconds) AS total_duration_seconds,
           SUM(auto_duration_seconds) AS auto_duration_seconds,
           SUM(total_miles) AS total_miles,
           SUM(auto_miles) AS auto_miles
    FROM `${database}`.`dws_daily_auto_rate`
    GROUP BY date_key, city_code, area_code, route_code
) r
LEFT JOIN (
    SELECT date_key, city_code, area_code, route_code,
           COUNT(*) AS case_count,
           SUM(CASE WHEN trigger_type IN ('collision', 'dangerous') THEN 1 ELSE 0 END) AS dangerous_case_count
    FROM `${database}`.`dwd_case_detail`
    GROUP BY date_key, city_code, area_code, route_code
) c
    ON c.date_key = r.date_key AND c.city_code = r.city_code AND c.area_code = r.area_code AND c.route_code = r.route_code;
