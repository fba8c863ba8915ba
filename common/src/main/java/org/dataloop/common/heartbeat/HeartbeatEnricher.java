package org.dataloop.common.heartbeat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;

import org.dataloop.common.dim.DimensionCache;
import org.dataloop.common.dim.DimensionDef;
import org.dataloop.common.dim.DimensionTables;
import org.dataloop.common.event.EnrichedHeartbeat;
import org.dataloop.common.event.Heartbeat;

/**
 * Adds city/area/route codes and names and car attributes from the dimension tables as they are now.
 * On a miss, codes fall back to the raw fact value ({@code UNKNOWN} when that is missing too) and names
 * and attributes are null (contract §3).
 */
public final class HeartbeatEnricher extends RichMapFunction<Heartbeat, EnrichedHeartbeat> {
    private static final long serialVersionUID = 1L;

    public static final List<DimensionDef> DIMENSIONS = List.of(DimensionDef.DIM_CAR, DimensionDef.DIM_CITY_AREA, DimensionDef.DIM_ROUTE);
    public static final String UNKNOWN = "UNKNOWN";

    private final DimensionTables tables;
    private final Duration refresh;
    private transient DimensionCache dims;

    public HeartbeatEnricher(DimensionTables tables, Duration refresh) {
        this.tables = tables;
        this.refresh = refresh;
    }

    @Override
    public void open(Configuration parameters) throws Exception {
        dims = new DimensionCache(tables, DIMENSIONS, refresh, getRuntimeContext().getMetricGroup().addGroup("dataloop"));
    }

    @Override
    public void close() {
        if (dims != null) dims.close();
    }

    @Override
    public EnrichedHeartbeat map(Heartbeat h) {
        EnrichedHeartbeat e = new EnrichedHeartbeat();
        e.heartbeat = h;
        Map<String, Object> cityArea = h.city == null || h.area == null ? null : dims.get(DimensionDef.DIM_CITY_AREA, h.city, h.area);
        e.cityCode = codeOr(cityArea, "city_code", h.city);
        e.areaCode = codeOr(cityArea, "area_code", h.area);
        e.cityName = text(cityArea, "city_name");
        e.areaName = text(cityArea, "area_name");
        Map<String, Object> route = h.routeId == null ? null : dims.get(DimensionDef.DIM_ROUTE, h.routeId);
        e.routeCode = codeOr(route, "route_code", h.routeId);
        e.routeName = text(route, "route_name");
        Map<String, Object> car = dims.get(DimensionDef.DIM_CAR, h.carId);
        e.carType = text(car, "car_type");
        e.carModel = text(car, "car_model");
        return e;
    }

    public static String codeOr(Map<String, Object> row, String column, String raw) {
        String code = text(row, column);
        if (code != null) return code;
        return raw == null || raw.isEmpty() ? UNKNOWN : raw;
    }

    private static String text(Map<String, Object> row, String column) {
        Object v = row == null ? null : row.get(column);
        return v == null ? null : v.toString();
    }
}
