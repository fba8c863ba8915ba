package org.dataloop.common.event;

/**
 * One row of {@code dws_daily_mps_mpd} and {@code realtime_metrics}: cases and dangerous cases per
 * 10,000 autonomous km in a local day, city and trigger type ({@code ALL} for every type).
 * Distances are kilometres (the {@code total_miles} name is kept from the warehouse design).
 */
public class MpsMpd {
    public static final String ALL = "ALL";

    /** Local date, yyyy-MM-dd. */
    public String dateKey;
    public String cityCode;
    public String triggerType;
    public long caseCount;
    public long dangerousCaseCount;
    public double totalMiles;
    public double mps;
    public double mpd;
    /** Epoch ms when the row was computed (wall clock). */
    public long updateTime;
    /** {@code +I}, {@code +U}, or {@code -D} when a trigger type no longer has cases in the day and city. */
    public String op;

    public MpsMpd() {}

    @Override
    public String toString() {
        return "MpsMpd{" + op + " " + dateKey + "/" + cityCode + "/" + triggerType + " cases=" + caseCount
                + " dangerous=" + dangerousCaseCount + " km=" + totalMiles + " mps=" + mps + " mpd=" + mpd + "}";
    }
}
