package org.dataloop.common.dim;

import java.io.Serializable;
import java.util.List;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** A dimension table of the lake (contract §3): its default name and primary key. */
public record DimensionDef(String name, List<String> keyColumns) implements Serializable {

    public static final DimensionDef DIM_CAR = new DimensionDef("dim_car", List.of("car_id"));
    public static final DimensionDef DIM_CITY_AREA = new DimensionDef("dim_city_area", List.of("city_name", "area_name"));
    public static final DimensionDef DIM_ROUTE = new DimensionDef("dim_route", List.of("route_id"));
    public static final DimensionDef DIM_ORDER = new DimensionDef("dim_order", List.of("task_id"));

    /** The option that renames the lake table: {@code table.<name>}. */
    public ConfigOption<String> nameOption() {
        return ConfigOptions.key("table." + name).stringType().defaultValue(name)
                .withDescription("Name of the lake dimension table '" + name + "'.");
    }

    /** The lookup key of a row or of probe values: the key columns joined by U+0001. */
    public static String key(Object... values) {
        if (values.length == 1) return String.valueOf(values[0]);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) sb.append('\u0001');
            sb.append(values[i]);
        }
        return sb.toString();
    }
}
