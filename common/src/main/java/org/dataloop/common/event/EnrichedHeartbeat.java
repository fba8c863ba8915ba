package org.dataloop.common.event;

/**
 * A heartbeat with its dimension context: the row of {@code dwd_heartbeat_clean}, and (codes only) of
 * {@code realtime_heartbeat}. Codes fall back to the raw fact values, names to null, see {@code docs/metrics.md}.
 */
public class EnrichedHeartbeat {
    public Heartbeat heartbeat;
    public String cityCode;
    public String cityName;
    public String areaCode;
    public String areaName;
    public String routeCode;
    public String routeName;
    public String carType;
    public String carModel;

    public EnrichedHeartbeat() {}
}
