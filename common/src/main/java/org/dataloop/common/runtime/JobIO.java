package org.dataloop.common.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.CompositeType;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.dataloop.common.config.CommonOptions;
import org.dataloop.common.config.JobOptions;
import org.dataloop.common.config.OptionsException;
import org.dataloop.common.dim.DimensionDef;
import org.dataloop.common.dim.DimensionTables;
import org.dataloop.common.event.DeadLetter;
import org.dataloop.common.io.DeadLetterTable;
import org.dataloop.common.io.FlussTables;
import org.dataloop.common.io.JsonLinesSink;
import org.dataloop.common.io.KafkaIO;
import org.dataloop.common.io.PaimonTables;
import org.dataloop.common.io.ReplayFileSource;
import org.dataloop.common.io.TableDef;
import org.dataloop.common.ops.CountRows;
import org.dataloop.common.ops.EveryRecordWatermarks;
import org.dataloop.common.ops.SplitDeadLetters;
import org.dataloop.common.parse.FutureGuard;
import org.dataloop.common.parse.Parsed;
import org.dataloop.common.parse.RecordParser;
import org.dataloop.common.sim.SimulatorSource;

/**
 * The sources and sinks of a job, chosen by its options, so a pipeline is written once and runs on Kafka,
 * on replay files, or on the simulator, and writes to Paimon/Fluss/Kafka and/or JSON Lines:
 * <ul>
 *   <li>input: {@code --input.<stream> FILE} (replay, watermark after every record), else
 *       {@code --source simulator}, else the Kafka topic {@code topic.<stream>};</li>
 *   <li>output: {@code --output.dir} writes every table as JSON Lines; lake tables go to Paimon when
 *       {@code paimon.warehouse} is set, Fluss tables to Fluss when {@code fluss.bootstrap-servers} is set,
 *       Kafka topics to Kafka unless {@code --output.dir} is given. On a cluster every store must be set.</li>
 * </ul>
 */
public final class JobIO {
    private static final Logger LOG = LoggerFactory.getLogger(JobIO.class);

    private final StreamExecutionEnvironment env;
    private final JobOptions options;
    private final List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();
    private final InputTap tap;
    /** Identifies this run to its replay sources (see {@link #replayStopped()}). */
    private final String runId = UUID.randomUUID().toString();
    private final Set<String> replayedStreams = new HashSet<>();
    private PaimonTables lake;

    JobIO(StreamExecutionEnvironment env, JobOptions options, InputTap tap) {
        this.env = env;
        this.options = options;
        this.tap = tap;
    }

    /** A hook on every input stream right after validation, for tests (e.g. to inject failures); none in production. */
    public interface InputTap extends java.io.Serializable {
        InputTap NONE = new InputTap() {
            @Override
            public <E> SingleOutputStreamOperator<E> apply(String stream, SingleOutputStreamOperator<E> events) {
                return events;
            }
        };

        <E> SingleOutputStreamOperator<E> apply(String stream, SingleOutputStreamOperator<E> events);
    }

    public StreamExecutionEnvironment env() {
        return env;
    }

    /** The option naming a stream's Kafka topic: {@code topic.<stream>}, default the stream name with dashes. */
    public static ConfigOption<String> topicOption(String stream) {
        return ConfigOptions.key("topic." + stream).stringType().defaultValue(stream.replace('_', '-'))
                .withDescription("Kafka topic of the " + stream + " stream.");
    }

    /**
     * The valid events of a stream with event-time timestamps and watermarks (bounded out-of-orderness).
     * Its dead letters go to the job's dead-letter output.
     */
    public <E> SingleOutputStreamOperator<E> read(RecordParser<E> parser, Duration outOfOrderness) {
        String stream = parser.stream();
        String job = options.job();
        DataStream<Parsed<E>> parsed;
        if (options.replay()) {
            // a replay without this stream reads nothing
            String file = options.input(stream).orElse(null);
            if (file != null) replayedStreams.add(stream);
            long stopAfter = options.getOptional(CommonOptions.STOP_AFTER_RECORDS).orElse(Long.MAX_VALUE);
            parsed = env.fromSource(new ReplayFileSource(file, stopAfter, runId, stream), WatermarkStrategy.noWatermarks(),
                            file == null ? "no " + stream : "replay " + stream)
                    .uid("source-" + stream)
                    .map(line -> parser.parse(job, line)).returns(parser.parsedType()).uid("parse-" + stream).name("parse " + stream)
                    .assignTimestampsAndWatermarks(WatermarkStrategy.<Parsed<E>>forGenerator(
                                    ctx -> new EveryRecordWatermarks<>(outOfOrderness.toMillis()))
                            .withTimestampAssigner((p, ts) -> p.eventTimeMs))
                    .uid("watermarks-" + stream).name("watermarks " + stream);
        } else if (options.get(CommonOptions.SOURCE) == CommonOptions.SourceKind.simulator) {
            // simulated time is whatever the simulator is told: no guard against the future
            parsed = env.fromSource(SimulatorSource.create(options, stream), WatermarkStrategy.noWatermarks(), "simulator " + stream)
                    .uid("source-" + stream)
                    .map(line -> parser.parse(job, line)).returns(parser.parsedType()).uid("parse-" + stream).name("parse " + stream)
                    .assignTimestampsAndWatermarks(WatermarkStrategy.<Parsed<E>>forBoundedOutOfOrderness(outOfOrderness)
                            .withTimestampAssigner((p, ts) -> p.eventTimeMs))
                    .uid("watermarks-" + stream).name("watermarks " + stream);
        } else {
            String topic = options.get(topicOption(stream));
            RecordParser<E> guarded = new FutureGuard<>(parser, options.get(CommonOptions.SOURCE_MAX_FUTURE).toMillis());
            parsed = env.fromSource(KafkaIO.source(options, topic, guarded),
                            WatermarkStrategy.<Parsed<E>>forBoundedOutOfOrderness(outOfOrderness)
                                    .withTimestampAssigner((p, ts) -> p.eventTimeMs)
                                    .withIdleness(options.get(CommonOptions.SOURCE_IDLE_TIMEOUT)),
                            "kafka " + topic)
                    .uid("source-" + stream);
        }
        return validated(stream, parsed, parser.parsedType());
    }

    /**
     * The valid events of a stream parsed outside {@link #read} (e.g. a CDC source), counted as {@link #read} counts
     * them; its dead letters go to the job's dead-letter output.
     */
    @SuppressWarnings("unchecked")
    public <E> SingleOutputStreamOperator<E> validated(String stream, DataStream<Parsed<E>> parsed, TypeInformation<Parsed<E>> parsedType) {
        SingleOutputStreamOperator<E> valid = parsed
                .process(new SplitDeadLetters<E>(stream), ((CompositeType<Parsed<E>>) parsedType).<E>getTypeAt("event"))
                .uid("validate-" + stream).name("validate " + stream);
        deadLetters(valid.getSideOutput(SplitDeadLetters.DEAD_LETTERS));
        return tap(stream, valid);
    }

    /** Passes a stream read outside {@link #read} through the test hook of {@link InputTap}. */
    public <E> SingleOutputStreamOperator<E> tap(String stream, SingleOutputStreamOperator<E> events) {
        return tap.apply(stream, events);
    }

    /** With {@code --stop-after-records}: whether every replayed stream has read its records and waits for the stop. */
    boolean replayStopped() {
        return ReplayFileSource.reachedStop(runId, replayedStreams);
    }

    /** The run has ended: its replay sources are forgotten. */
    void ended() {
        ReplayFileSource.forget(runId);
    }

    /** More dead letters for the job's dead-letter output (e.g. late records). */
    public void deadLetters(DataStream<DeadLetter> stream) {
        deadLetters.add(stream);
    }

    /** The dimension tables, from replay snapshots or the lake. */
    public DimensionTables dimensions(List<DimensionDef> dims) {
        return DimensionTables.fromOptions(options, dims);
    }

    /** Writes rows to the table's stores (see the class comment) and counts them. */
    public <T> void write(TableDef<T> def, DataStream<T> rows) {
        write(def, rows, DeliveryGuarantee.EXACTLY_ONCE);
    }

    /** As {@link #write(TableDef, DataStream)}, with the delivery guarantee of a KAFKA table's sink. */
    public <T> void write(TableDef<T> def, DataStream<T> rows, DeliveryGuarantee kafkaGuarantee) {
        String name = options.get(def.nameOption());
        String id = def.defaultName();
        DataStream<T> counted = rows.map(new CountRows<T>(id)).returns(rows.getType()).uid("count-" + id).name("count " + id);
        if (options.outputDir().isPresent()) {
            String dir = options.outputDir().get();
            try {
                Files.deleteIfExists(Path.of(dir, id + ".jsonl")); // a run starts with empty output files
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            counted.sinkTo(new JsonLinesSink<>(def, dir)).setParallelism(1).uid("jsonl-" + id).name("jsonl " + id);
        }
        switch (def.store()) {
            case LAKE -> {
                if (options.getOptional(CommonOptions.PAIMON_WAREHOUSE).isPresent()) {
                    if (lake == null) lake = PaimonTables.fromOptions(options);
                    lake.sink(counted, def, name, options.job());
                } else {
                    notWritten(def, CommonOptions.PAIMON_WAREHOUSE);
                }
            }
            case FLUSS -> {
                if (options.getOptional(CommonOptions.FLUSS_BOOTSTRAP).isPresent()) {
                    String servers = options.get(CommonOptions.FLUSS_BOOTSTRAP);
                    String database = options.get(CommonOptions.FLUSS_DATABASE);
                    FlussTables.createIfMissing(servers, database, name, def, options.get(CommonOptions.FLUSS_BUCKETS));
                    FlussTables.sink(counted, def, servers, database, name, options.job() + "-" + id);
                } else {
                    notWritten(def, CommonOptions.FLUSS_BOOTSTRAP);
                }
            }
            case KAFKA -> {
                if (options.outputDir().isPresent()) break;
                if (options.getOptional(CommonOptions.KAFKA_BOOTSTRAP).isPresent()) {
                    counted.sinkTo(KafkaIO.sink(options, def, name, def.kafkaKey(), kafkaGuarantee)).uid("kafka-" + id).name("kafka " + name);
                } else if (options.getOptional(CommonOptions.PAIMON_WAREHOUSE).isPresent() && (def == DeadLetterTable.DEF || options.local())) {
                    // without Kafka, dead letters (of any job) and a local demo's topics are kept as a lake table
                    if (lake == null) lake = PaimonTables.fromOptions(options);
                    lake.sink(counted, def, name, options.job());
                } else if (!options.local()) {
                    throw new OptionsException("--" + CommonOptions.KAFKA_BOOTSTRAP.key() + " (or --" + CommonOptions.PAIMON_WAREHOUSE.key()
                            + ", for a lake table) is required: " + options.job() + " writes " + def.defaultName());
                } else {
                    notWritten(def, CommonOptions.KAFKA_BOOTSTRAP);
                }
            }
        }
    }

    private void notWritten(TableDef<?> def, ConfigOption<String> missing) {
        if (!options.local()) {
            throw new OptionsException("--" + missing.key() + " is required: " + options.job() + " writes " + def.defaultName());
        }
        LOG.warn("{} is not written: --{} is not set", def.defaultName(), missing.key());
    }

    /** Sends every dead letter collected so far to the dead-letter output. Called once, by the runner. */
    void finish() {
        if (deadLetters.isEmpty()) return;
        DataStream<DeadLetter> all = deadLetters.get(0);
        for (int i = 1; i < deadLetters.size(); i++) all = all.union(deadLetters.get(i));
        write(DeadLetterTable.DEF, all);
    }
}
