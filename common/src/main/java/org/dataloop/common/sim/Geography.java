package org.dataloop.common.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The simulator's fixed map: three cities, one route per area. Each route is a loop around its area's
 * centre. Two entries are deliberately missing from the dimension snapshots so lookups can miss:
 * <ul>
 *   <li>area {@value #MISSING_CITY}/{@value #MISSING_AREA} is not in {@code dim_city_area};</li>
 *   <li>route {@value #MISSING_ROUTE} is not in {@code dim_route}.</li>
 * </ul>
 */
public final class Geography {
    public static final String MISSING_CITY = "Guangzhou";
    public static final String MISSING_AREA = "Nansha";
    public static final String MISSING_ROUTE = "R-SH-03";

    public static final String[] CITIES = {"Shanghai", "Beijing", "Guangzhou"};
    static final String[] CITY_CODES = {"310100", "110100", "440100"};

    /** One loop route in one (city, area). */
    public record Route(String id, String code, String name, int city, String area, String areaCode,
                        double lat, double lon, double radiusM) {
        public String cityName() {
            return CITIES[city];
        }
    }

    public static final Route[] ROUTES = {
        new Route("R-SH-01", "SH01", "Pudong Airport Loop", 0, "Pudong", "310115", 31.2215, 121.5440, 3200),
        new Route("R-SH-02", "SH02", "Jiading Auto City Loop", 0, "Jiading", "310114", 31.3838, 121.2650, 2500),
        new Route("R-SH-03", "SH03", "Minhang Hongqiao Loop", 0, "Minhang", "310112", 31.1128, 121.3817, 2800),
        new Route("R-BJ-01", "BJ01", "Yizhuang Robotaxi Loop", 1, "Yizhuang", "110115", 39.7950, 116.5060, 3500),
        new Route("R-BJ-02", "BJ02", "Haidian Science Park Loop", 1, "Haidian", "110108", 39.9593, 116.2981, 2200),
        new Route("R-GZ-01", "GZ01", "Tianhe CBD Loop", 2, "Tianhe", "440106", 23.1246, 113.3612, 2000),
        new Route("R-GZ-02", "GZ02", "Huangpu Port Loop", 2, "Huangpu", "440112", 23.1063, 113.4594, 3000),
        new Route("R-GZ-03", "GZ03", "Nansha Harbour Loop", 2, "Nansha", "440115", 22.8016, 113.5250, 4000),
    };

    /** Route indexes per city index. */
    static final int[][] ROUTES_BY_CITY = new int[CITIES.length][];

    static {
        for (int c = 0; c < CITIES.length; c++) {
            List<Integer> ids = new ArrayList<>();
            for (int r = 0; r < ROUTES.length; r++) if (ROUTES[r].city == c) ids.add(r);
            ROUTES_BY_CITY[c] = ids.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    private Geography() {}

    static boolean areaInDimension(Route r) {
        return !(r.cityName().equals(MISSING_CITY) && r.area.equals(MISSING_AREA));
    }

    static boolean routeInDimension(Route r) {
        return !r.id.equals(MISSING_ROUTE);
    }
}
