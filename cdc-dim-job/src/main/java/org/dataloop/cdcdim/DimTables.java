package org.dataloop.cdcdim;

import java.util.List;

import org.dataloop.common.dim.DimensionDef;
import org.dataloop.common.io.ColumnType;

/**
 * The four dimension tables (contract §3): source table → lake table. Column names are the same at the
 * source and in the lake; the key columns are those of {@link DimensionDef}, which the jobs reading the
 * dimensions use.
 */
public final class DimTables {
    private DimTables() {}

    private static DimTable.Col string(String name) { return new DimTable.Col(name, ColumnType.STRING); }
    private static DimTable.Col epochMs(String name) { return new DimTable.Col(name, ColumnType.BIGINT); }

    /** MySQL {@code cars(car_id PK, car_type, car_model, updated_at)} → {@code dim_car}. */
    public static final DimTable DIM_CAR = new DimTable(DimensionDef.DIM_CAR, DimTable.Source.MYSQL, "cars",
            List.of(string("car_id"), string("car_type"), string("car_model"), epochMs("updated_at")));

    /** MySQL {@code city_area(city_name, area_name PK, city_code, area_code)} → {@code dim_city_area}. */
    public static final DimTable DIM_CITY_AREA = new DimTable(DimensionDef.DIM_CITY_AREA, DimTable.Source.MYSQL, "city_area",
            List.of(string("city_name"), string("area_name"), string("city_code"), string("area_code")));

    /** MySQL {@code routes(route_id PK, route_code, route_name)} → {@code dim_route}. */
    public static final DimTable DIM_ROUTE = new DimTable(DimensionDef.DIM_ROUTE, DimTable.Source.MYSQL, "routes",
            List.of(string("route_id"), string("route_code"), string("route_name")));

    /** PostgreSQL {@code orders(task_id PK, order_id, customer_id, updated_at)} → {@code dim_order}. */
    public static final DimTable DIM_ORDER = new DimTable(DimensionDef.DIM_ORDER, DimTable.Source.POSTGRES, "orders",
            List.of(string("task_id"), string("order_id"), string("customer_id"), epochMs("updated_at")));

    public static final List<DimTable> ALL = List.of(DIM_CAR, DIM_CITY_AREA, DIM_ROUTE, DIM_ORDER);

    public static List<DimTable> of(DimTable.Source source) {
        return ALL.stream().filter(t -> t.source() == source).toList();
    }
}
