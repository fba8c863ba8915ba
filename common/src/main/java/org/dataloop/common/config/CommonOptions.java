package org.dataloop.common.config;

import java.time.Duration;
import java.util.List;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Options every job has. Job-specific options live next to each job. */
public final class CommonOptions {
    private CommonOptions() {}

    public enum StateBackend { rocksdb, hashmap }

    public enum StartingOffsets { committed, earliest, latest }

    public enum SourceKind { kafka, simulator }

    public static final ConfigOption<Integer> PARALLELISM = ConfigOptions.key("parallelism").intType().defaultValue(-1)
            .withDescription("Default parallelism; -1 keeps the cluster's. Replays always run at 1.");
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key("checkpoint.interval")
            .durationType().defaultValue(Duration.ofSeconds(60))
            .withDescription("Exactly-once checkpoint interval; the lake commits at every checkpoint.");
    public static final ConfigOption<String> CHECKPOINT_DIR = ConfigOptions.key("checkpoint.dir").stringType().noDefaultValue()
            .withDescription("Checkpoint directory (e.g. s3://bucket/checkpoints); unset keeps the cluster's.");
    public static final ConfigOption<StateBackend> STATE_BACKEND = ConfigOptions.key("state.backend")
            .enumType(StateBackend.class).defaultValue(StateBackend.rocksdb)
            .withDescription("State backend; rocksdb uses incremental checkpoints.");
    public static final ConfigOption<String> SAVEPOINT_PATH = ConfigOptions.key("savepoint.path").stringType().noDefaultValue()
            .withDescription("Start from this savepoint or retained checkpoint.");
    public static final ConfigOption<Long> STOP_AFTER_RECORDS = ConfigOptions.key("stop-after-records").longType().noDefaultValue()
            .withDescription("Local replays: each replayed stream stops after its first N records, then the job stops with a"
                    + " savepoint without draining (pending results stay in state), prints 'savepoint: <path>' and exits;"
                    + " --savepoint.path continues the files from record N+1.");
    public static final ConfigOption<String> SAVEPOINT_DIR = ConfigOptions.key("savepoint.dir").stringType().noDefaultValue()
            .withDescription("Where --stop-after-records writes its savepoint; default: the savepoints directory under"
                    + " --output.dir (else ./savepoints).");
    public static final ConfigOption<Integer> MAX_PARALLELISM = ConfigOptions.key("max-parallelism").intType().defaultValue(128)
            .withDescription("Key groups of the keyed state: the highest parallelism a savepoint can be restored at. Fixed for"
                    + " the life of the job's state (changing it needs a state migration).");
    public static final ConfigOption<Duration> CHECKPOINT_TIMEOUT = ConfigOptions.key("checkpoint.timeout").durationType()
            .defaultValue(Duration.ofMinutes(5))
            .withDescription("A checkpoint not complete after this long is abandoned.");
    public static final ConfigOption<Integer> RESTART_ATTEMPTS = ConfigOptions.key("restart.attempts").intType()
            .defaultValue(Integer.MAX_VALUE)
            .withDescription("Restarts in a row (without --restart.reset-after of stable running between them) before the job"
                    + " fails; 0 never restarts. Default: unlimited, an outage of Kafka or the lake only delays the job.");
    public static final ConfigOption<Duration> RESTART_DELAY = ConfigOptions.key("restart.delay").durationType()
            .defaultValue(Duration.ofSeconds(1))
            .withDescription("Delay before the first restart; it doubles with every restart in a row, up to --restart.max-delay.");
    public static final ConfigOption<Duration> RESTART_MAX_DELAY = ConfigOptions.key("restart.max-delay").durationType()
            .defaultValue(Duration.ofMinutes(2))
            .withDescription("Longest delay between two restarts.");
    public static final ConfigOption<Duration> RESTART_RESET_AFTER = ConfigOptions.key("restart.reset-after").durationType()
            .defaultValue(Duration.ofMinutes(10))
            .withDescription("After this long without a failure the delay starts again from --restart.delay.");
    public static final ConfigOption<String> TIMEZONE = ConfigOptions.key("timezone").stringType().defaultValue("Asia/Shanghai")
            .withDescription("Fleet time zone: date_key is the local date of an event in it.");

    public static final ConfigOption<SourceKind> SOURCE = ConfigOptions.key("source").enumType(SourceKind.class)
            .defaultValue(SourceKind.kafka)
            .withDescription("Where input streams come from when no --input.<stream> file is given.");
    public static final ConfigOption<String> KAFKA_BOOTSTRAP = ConfigOptions.key("kafka.bootstrap-servers").stringType()
            .noDefaultValue().withDescription("Kafka brokers, host:port[,host:port].");
    public static final ConfigOption<String> KAFKA_GROUP_ID = ConfigOptions.key("kafka.group-id").stringType().noDefaultValue()
            .withDescription("Consumer group; defaults to the job name.");
    public static final ConfigOption<StartingOffsets> KAFKA_STARTING_OFFSETS = ConfigOptions.key("kafka.starting-offsets")
            .enumType(StartingOffsets.class).defaultValue(StartingOffsets.committed)
            .withDescription("Where a job without state starts reading: the group's committed offsets (else earliest), earliest or latest.");
    public static final ConfigOption<String> KAFKA_PROPERTIES_FILE = ConfigOptions.key("kafka.properties-file").stringType()
            .noDefaultValue()
            .withDescription("Extra Kafka client properties (security, SASL) from a file, e.g. a mounted Secret.");
    public static final ConfigOption<Duration> KAFKA_TRANSACTION_TIMEOUT = ConfigOptions.key("kafka.transaction-timeout")
            .durationType().defaultValue(Duration.ofMinutes(15))
            .withDescription("Transaction timeout of the exactly-once Kafka sinks: at least --checkpoint.interval +"
                    + " --checkpoint.timeout + --restart.max-delay (checked at start), and at most the broker's"
                    + " transaction.max.timeout.ms (15 min by default).");
    public static final ConfigOption<Duration> SOURCE_IDLE_TIMEOUT = ConfigOptions.key("source.idle-timeout").durationType()
            .defaultValue(Duration.ofSeconds(30))
            .withDescription("A Kafka partition without records for this long stops holding back the watermark.");

    public static final ConfigOption<Duration> SOURCE_MAX_FUTURE = ConfigOptions.key("source.max-future").durationType()
            .defaultValue(Duration.ofHours(1))
            .withDescription("Events more than this ahead of the wall clock are dead letters (reason future), so one car with a"
                    + " wrong clock cannot push the watermark ahead and make everyone else late. Not applied to replays or the simulator.");

    public static final ConfigOption<String> PAIMON_WAREHOUSE = ConfigOptions.key("paimon.warehouse").stringType().noDefaultValue()
            .withDescription("Paimon warehouse URI (file:///..., s3://...). Required on a cluster.");
    public static final ConfigOption<String> PAIMON_DATABASE = ConfigOptions.key("paimon.database").stringType()
            .defaultValue("dataloop").withDescription("Paimon database of the job's tables.");
    public static final ConfigOption<Integer> PAIMON_BUCKETS = ConfigOptions.key("paimon.buckets").intType().defaultValue(4)
            .withDescription("Buckets of the primary-key tables the job creates.");
    public static final ConfigOption<String> PAIMON_CATALOG_OPTIONS_FILE = ConfigOptions.key("paimon.catalog-options-file")
            .stringType().noDefaultValue()
            .withDescription("Extra catalog options (e.g. s3.endpoint, s3.access-key) from a properties file, e.g. a mounted Secret.");
    public static final ConfigOption<String> FLUSS_BOOTSTRAP = ConfigOptions.key("fluss.bootstrap-servers").stringType()
            .noDefaultValue().withDescription("Fluss coordinator/tablet servers. Required on a cluster when the job writes Fluss.");
    public static final ConfigOption<String> FLUSS_DATABASE = ConfigOptions.key("fluss.database").stringType()
            .defaultValue("dataloop").withDescription("Fluss database of the job's tables.");
    public static final ConfigOption<Integer> FLUSS_BUCKETS = ConfigOptions.key("fluss.buckets").intType().defaultValue(4)
            .withDescription("Buckets of the Fluss tables the job creates.");
    public static final ConfigOption<Duration> DIM_REFRESH_INTERVAL = ConfigOptions.key("dim.refresh-interval").durationType()
            .defaultValue(Duration.ofSeconds(60))
            .withDescription("How often the dimension tables are re-read from the lake while the job runs.");
    public static final ConfigOption<Integer> DIM_LOOKUP_CACHE_ROWS = ConfigOptions.key("dim.lookup-cache-rows").intType()
            .defaultValue(100_000)
            .withDescription("Rows of a dimension looked up by key (dim_order) each task keeps, the least recently used "
                    + "dropped first; a held row is dropped when the lake table changes it, checked every --dim.refresh-interval.");
    public static final ConfigOption<Duration> DIM_FIRST_LOAD_TIMEOUT = ConfigOptions.key("dim.first-load-timeout").durationType()
            .defaultValue(Duration.ofMinutes(5))
            .withDescription("How long a task retries the first load of its dimension tables (the lake unreachable) before "
                    + "it fails and the restart strategy applies; no fact is enriched before that load.");

    public static final ConfigOption<Integer> SIM_CARS = ConfigOptions.key("sim.cars").intType().defaultValue(20)
            .withDescription("Simulator (--source simulator): number of cars.");
    public static final ConfigOption<Duration> SIM_DURATION = ConfigOptions.key("sim.duration").durationType()
            .defaultValue(Duration.ofHours(1)).withDescription("Simulator: simulated time span.");
    public static final ConfigOption<Long> SIM_SEED = ConfigOptions.key("sim.seed").longType().defaultValue(42L)
            .withDescription("Simulator: random seed; the same seed gives the same fleet.");
    public static final ConfigOption<Integer> SIM_DUPLICATE_EVERY = ConfigOptions.key("sim.duplicate-every").intType()
            .defaultValue(1000).withDescription("Simulator: every Nth heartbeat is sent twice (0 = never).");
    public static final ConfigOption<Integer> SIM_MALFORMED_EVERY = ConfigOptions.key("sim.malformed-every").intType()
            .defaultValue(5000).withDescription("Simulator: every Nth heartbeat is malformed (0 = never).");
    public static final ConfigOption<Double> SIM_CASES_PER_CAR_HOUR = ConfigOptions.key("sim.cases-per-car-hour").doubleType()
            .defaultValue(1.0).withDescription("Simulator: cases per car and hour (each of 1 to 3 chunks).");

    public static final ConfigOption<Integer> METRICS_PROMETHEUS_PORT = ConfigOptions.key("metrics.prometheus-port").intType()
            .noDefaultValue().withDescription("Local runs: serve the job's metrics in the Prometheus text format at "
                    + "http://localhost:PORT/metrics, under the names the chart's alerts and dashboard query.");

    public static final ConfigOption<Integer> WEB_UI = ConfigOptions.key("web-ui").intType().noDefaultValue()
            .withDescription("Local runs: serve Flink's web UI (job graph, back-pressure, checkpoints) at http://localhost:PORT.");

    public static List<ConfigOption<?>> all() {
        return List.of(PARALLELISM, CHECKPOINT_INTERVAL, CHECKPOINT_DIR, STATE_BACKEND, SAVEPOINT_PATH, STOP_AFTER_RECORDS, SAVEPOINT_DIR,
                MAX_PARALLELISM, CHECKPOINT_TIMEOUT, RESTART_ATTEMPTS, RESTART_DELAY, RESTART_MAX_DELAY, RESTART_RESET_AFTER, TIMEZONE, SOURCE, KAFKA_BOOTSTRAP, KAFKA_GROUP_ID, KAFKA_STARTING_OFFSETS,
                KAFKA_PROPERTIES_FILE, KAFKA_TRANSACTION_TIMEOUT, SOURCE_IDLE_TIMEOUT, SOURCE_MAX_FUTURE, PAIMON_WAREHOUSE, PAIMON_DATABASE,
                PAIMON_BUCKETS, PAIMON_CATALOG_OPTIONS_FILE, FLUSS_BOOTSTRAP, FLUSS_DATABASE, FLUSS_BUCKETS,
                DIM_REFRESH_INTERVAL, DIM_FIRST_LOAD_TIMEOUT, DIM_LOOKUP_CACHE_ROWS, SIM_CARS, SIM_DURATION, SIM_SEED, SIM_DUPLICATE_EVERY, SIM_MALFORMED_EVERY,
                SIM_CASES_PER_CAR_HOUR, METRICS_PROMETHEUS_PORT, WEB_UI);
    }
}
