package org.dataloop.casemetrics;

/**
 * A change to one (date_key, city_code) group of the MPS/MPD tables: autonomous km driven (from a heartbeat)
 * or a case counted under, or taken away from, a trigger type.
 */
public class MetricDelta {
    public String dateKey;
    public String cityCode;
    /** The trigger type of a case count change; null for a km change. */
    public String triggerType;
    public double km;
    public long cases;

    public MetricDelta() {}

    static MetricDelta km(String dateKey, String cityCode, double km) {
        MetricDelta d = new MetricDelta();
        d.dateKey = dateKey;
        d.cityCode = cityCode;
        d.km = km;
        return d;
    }

    static MetricDelta cases(String dateKey, String cityCode, String triggerType, long cases) {
        MetricDelta d = new MetricDelta();
        d.dateKey = dateKey;
        d.cityCode = cityCode;
        d.triggerType = triggerType;
        d.cases = cases;
        return d;
    }

    /** The key of the group: date and city joined by a control character no code contains. */
    String group() {
        return dateKey + '\u001f' + cityCode;
    }

    @Override
    public String toString() {
        return triggerType == null ? "km " + dateKey + "/" + cityCode + " +" + km : "cases " + dateKey + "/" + cityCode + "/" + triggerType + " " + cases;
    }
}
