package org.dataloop.common.event;

/**
 * One row of {@code dwd_case_detail}: a case over the chunks seen so far, with the context of the car's
 * heartbeat nearest to its start. Times are epoch milliseconds.
 */
public class CaseDetail {
    public String caseId;
    public String carId;
    /** Local date of {@link #startTs}, yyyy-MM-dd. */
    public String dateKey;
    public long startTs;
    public long endTs;
    public String triggerType;
    public String dataType;
    public String filePath;
    public long fileSize;
    public long chunkCount;
    public String cityCode;
    public String areaCode;
    public String routeCode;
    public String taskId;
    public String orderId;
    public String customerId;
    /** The heartbeat second the context came from; null when no heartbeat was within the window. */
    public Long contextTsSecond;
    /** {@code +I}, {@code +U}, or {@code -D} (the row under its old date when a late chunk moves the start to another day). */
    public String op;

    public CaseDetail() {}

    public CaseDetail copy() {
        CaseDetail c = new CaseDetail();
        c.caseId = caseId;
        c.carId = carId;
        c.dateKey = dateKey;
        c.startTs = startTs;
        c.endTs = endTs;
        c.triggerType = triggerType;
        c.dataType = dataType;
        c.filePath = filePath;
        c.fileSize = fileSize;
        c.chunkCount = chunkCount;
        c.cityCode = cityCode;
        c.areaCode = areaCode;
        c.routeCode = routeCode;
        c.taskId = taskId;
        c.orderId = orderId;
        c.customerId = customerId;
        c.contextTsSecond = contextTsSecond;
        c.op = op;
        return c;
    }

    @Override
    public String toString() {
        return "CaseDetail{" + op + " " + caseId + " " + carId + " " + dateKey + " " + startTs + ".." + endTs + " " + triggerType
                + " chunks=" + chunkCount + " ctx=" + cityCode + "/" + areaCode + "/" + routeCode + "/" + taskId + "@" + contextTsSecond + "}";
    }
}
