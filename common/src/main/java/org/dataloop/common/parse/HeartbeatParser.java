package org.dataloop.common.parse;

import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import org.dataloop.common.event.Heartbeat;

/** The heartbeat rules of the contract (§2 heartbeat). */
public final class HeartbeatParser implements RecordParser<Heartbeat> {
    private static final long serialVersionUID = 1L;

    @Override
    public String stream() {
        return "heartbeat";
    }

    @Override
    public Parsed<Heartbeat> parse(String job, String raw) {
        return JsonParsers.parse(job, stream(), raw, f -> {
            Heartbeat h = new Heartbeat();
            h.carId = f.requiredString("car_id", JsonParsers.CAR_ID_CHARS, JsonParsers.CAR_ID_BYTES);
            h.tsSecond = f.requiredLong("ts_second", JsonParsers.MIN_EPOCH_SECOND, JsonParsers.MAX_EPOCH_SECOND);
            h.drivingMode = f.requiredString("driving_mode", JsonParsers.NAME_BYTES, JsonParsers.NAME_BYTES);
            h.speed = f.requiredDouble("speed", 0, 250);
            h.roadType = f.optionalString("road_type", JsonParsers.NAME_BYTES);
            h.taskId = f.optionalString("task_id", JsonParsers.NAME_BYTES);
            h.taskStatus = f.optionalString("task_status", JsonParsers.NAME_BYTES);
            h.city = f.optionalString("city", JsonParsers.NAME_BYTES);
            h.area = f.optionalString("area", JsonParsers.NAME_BYTES);
            h.routeId = f.optionalString("route_id", JsonParsers.NAME_BYTES);
            return new JsonParsers.Result<>(h, h.tsSecond * 1000L);
        });
    }

    @Override
    public TypeInformation<Parsed<Heartbeat>> parsedType() {
        return TypeInformation.of(new TypeHint<Parsed<Heartbeat>>() {});
    }
}
