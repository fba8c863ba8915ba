package org.dataloop.common.sim;

import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

import org.dataloop.common.config.CommonOptions;
import org.dataloop.common.config.JobOptions;
import org.dataloop.common.config.OptionsException;

/**
 * The fleet simulator as a bounded, checkpointed Flink source ({@code --source simulator}): message i of a
 * stream is computed from i alone, so the source can run in parallel and resume from a checkpoint.
 */
public final class SimulatorSource {
    private SimulatorSource() {}

    public static SimulatorConfig config(JobOptions options) {
        SimulatorConfig c = new SimulatorConfig();
        c.seed = options.get(CommonOptions.SIM_SEED);
        c.cars = options.get(CommonOptions.SIM_CARS);
        c.durationSeconds = options.get(CommonOptions.SIM_DURATION).toSeconds();
        c.duplicateEvery = options.get(CommonOptions.SIM_DUPLICATE_EVERY);
        c.casesPerCarHour = options.get(CommonOptions.SIM_CASES_PER_CAR_HOUR);
        c.malformedEvery = options.get(CommonOptions.SIM_MALFORMED_EVERY);
        try {
            return c.validate();
        } catch (IllegalArgumentException e) {
            throw new OptionsException("bad simulator option: " + e.getMessage());
        }
    }

    public static DataGeneratorSource<String> create(JobOptions options, String stream) {
        SimulatorConfig config = config(options);
        FleetSimulator sim = new FleetSimulator(config);
        long count = switch (stream) {
            case "heartbeat" -> sim.heartbeatCount();
            case "pose" -> sim.poseCount();
            case "case_mapping" -> sim.caseChunks().size();
            default -> throw new OptionsException("the simulator does not generate the " + stream + " stream");
        };
        return new DataGeneratorSource<>(new Lines(config, stream), count, Types.STRING);
    }

    private static final class Lines implements GeneratorFunction<Long, String> {
        private static final long serialVersionUID = 1L;
        private final SimulatorConfig config;
        private final String stream;
        private transient FleetSimulator sim;
        /** Case chunks are few and sorted by upload time, so they are computed once rather than by index. */
        private transient List<String> caseLines;

        Lines(SimulatorConfig config, String stream) {
            this.config = config;
            this.stream = stream;
        }

        @Override
        public void open(SourceReaderContext readerContext) {
            sim = new FleetSimulator(config);
            if (stream.equals("case_mapping")) caseLines = sim.caseMappingLines();
        }

        @Override
        public String map(Long index) {
            return switch (stream) {
                case "heartbeat" -> sim.heartbeatLine(index);
                case "pose" -> sim.poseLine(index);
                default -> caseLines.get(Math.toIntExact(index));
            };
        }
    }
}
