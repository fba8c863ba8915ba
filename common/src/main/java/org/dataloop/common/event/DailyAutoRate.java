package org.dataloop.common.event;

/**
 * One row of {@code dws_daily_auto_rate}: a car's driving in one local day and (city, area, route).
 * Distances are kilometres (the {@code *_miles} names are kept from the warehouse design).
 */
public class DailyAutoRate {
    /** Local date, yyyy-MM-dd, in the fleet time zone. */
    public String dateKey;
    public String cityCode;
    public String areaCode;
    public String routeCode;
    public String carId;
    public long totalDurationSeconds;
    public long autoDurationSeconds;
    public double autoRate;
    public double totalMiles;
    public double autoMiles;
    /** How many times this row has been emitted: 1 is an insert, more are updates. */
    public int version;

    public DailyAutoRate() {}

    @Override
    public String toString() {
        return "DailyAutoRate{" + dateKey + "/" + cityCode + "/" + areaCode + "/" + routeCode + "/" + carId
                + " total=" + totalDurationSeconds + " auto=" + autoDurationSeconds + " km=" + totalMiles + "/" + autoMiles + " v" + version + "}";
    }
}
