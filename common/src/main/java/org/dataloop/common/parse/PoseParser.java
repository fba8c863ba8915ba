package org.dataloop.common.parse;

import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import org.dataloop.common.event.PoseSample;

/** The pose rules of the contract (§2 pose). */
public final class PoseParser implements RecordParser<PoseSample> {
    private static final long serialVersionUID = 1L;
    private static final double ANY = Double.MAX_VALUE;

    @Override
    public String stream() {
        return "pose";
    }

    @Override
    public Parsed<PoseSample> parse(String job, String raw) {
        return JsonParsers.parse(job, stream(), raw, f -> {
            PoseSample p = new PoseSample();
            p.carId = f.requiredString("car_id", JsonParsers.CAR_ID_CHARS, JsonParsers.CAR_ID_BYTES);
            p.timestampMs = f.requiredLong("timestamp_ms",
                    JsonParsers.MIN_EPOCH_SECOND * 1000, JsonParsers.MAX_EPOCH_SECOND * 1000);
            p.speed = f.requiredDouble("speed", 0, 250);
            p.accelerationLongitudinal = f.requiredDouble("acceleration_longitudinal", -50, 50);
            p.latitude = f.optionalDouble("latitude", -90, 90);
            p.longitude = f.optionalDouble("longitude", -180, 180);
            p.accelerationLateral = f.optionalDouble("acceleration_lateral", -ANY, ANY);
            p.heading = f.optionalDouble("heading", -ANY, ANY);
            p.angularVelocity = f.optionalDouble("angular_velocity", -ANY, ANY);
            p.steeringAngle = f.optionalDouble("steering_angle", -ANY, ANY);
            p.throttle = f.optionalDouble("throttle", -ANY, ANY);
            p.brake = f.optionalDouble("brake", -ANY, ANY);
            return new JsonParsers.Result<>(p, p.timestampMs);
        });
    }

    @Override
    public TypeInformation<Parsed<PoseSample>> parsedType() {
        return TypeInformation.of(new TypeHint<Parsed<PoseSample>>() {});
    }
}
