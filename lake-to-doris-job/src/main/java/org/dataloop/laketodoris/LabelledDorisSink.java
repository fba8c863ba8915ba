package org.dataloop.laketodoris;

import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.apache.doris.flink.cfg.DorisExecutionOptions;
import org.apache.doris.flink.cfg.DorisOptions;
import org.apache.doris.flink.cfg.DorisReadOptions;
import org.apache.doris.flink.sink.DorisSink;
import org.apache.doris.flink.sink.committer.DorisCommitter;
import org.apache.doris.flink.sink.writer.DorisAbstractWriter;
import org.apache.doris.flink.sink.writer.DorisWriter;
import org.apache.doris.flink.sink.writer.DorisWriterState;
import org.apache.doris.flink.sink.writer.serializer.SimpleStringSerializer;
import org.apache.flink.api.connector.sink2.Committer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.dataloop.common.config.OptionsException;
import org.dataloop.common.config.Secrets;

/**
 * The connector's {@link DorisSink} (stream load, two-phase commit), with the label prefix chosen per start:
 * <ul>
 *   <li>a writer that starts <b>without restored state</b> (a fresh start) loads under this submission's prefix,
 *       {@code <doris.label-prefix>-<start id>-<table id>}, where the start id is the UTC time the job was built
 *       (so a fresh start never meets a label Doris has committed for an earlier deployment: "Label Already
 *       Exists");</li>
 *   <li>a writer <b>restored</b> from a checkpoint or savepoint loads under the prefix stored in its restored state
 *       (the connector's {@link DorisWriterState} keeps it), whatever this submission's start id is: the connector
 *       aborts the failed attempt's transactions by probing the labels of that prefix from the restored checkpoint
 *       on, and the committer commits the restored transactions by id, so a restore must keep the labels.</li>
 * </ul>
 * A restored subtask without writer state (the sink was scaled up) uses this submission's prefix: its labels are new.
 * Everything else (committer, state and committable serializers, 2PC forced) is the connector's own.
 */
public final class LabelledDorisSink extends DorisSink<String> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LabelledDorisSink.class);

    /** Doris's label rule; a 2PC label that breaks it is replaced by one with a random part, which cannot be aborted. */
    static final Pattern LABEL = Pattern.compile("^[-_A-Za-z0-9:]{1,128}$");
    /** The widest subtask index and checkpoint id a label is checked with. */
    private static final String WIDEST_SUFFIX = "_" + 32767 + "_" + Long.toString(99_999_999_999L);
    private static final DateTimeFormatter START_ID = DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS").withZone(ZoneOffset.UTC);

    /** The settings of the connector's execution options other than the label prefix. */
    public record Loads(Properties streamLoad, int maxRetries, int bufferSize, int bufferCount, int checkIntervalMs)
            implements Serializable {
        DorisExecutionOptions withPrefix(String labelPrefix) {
            return DorisExecutionOptions.builder()
                    .setLabelPrefix(labelPrefix)
                    .setStreamLoadProp(streamLoad)
                    .setDeletable(true)
                    .enable2PC() // forced: on a UNIQUE KEY table the connector would otherwise turn it off
                    .setMaxRetries(maxRetries)
                    .setBufferSize(bufferSize)
                    .setBufferCount(bufferCount)
                    .setCheckInterval(checkIntervalMs)
                    .build();
        }
    }

    private final DorisOptions doris;
    private final Secrets.Source password;
    private final DorisReadOptions read;
    private final Loads loads;
    private final String freshPrefix;

    /**
     * @param freshPrefix the prefix of a start without state: {@link #prefix}, checked by {@link #requireValidLabels}
     */
    public LabelledDorisSink(DorisOptions doris, Secrets.Source password, DorisReadOptions read, Loads loads, String freshPrefix) {
        super(doris, read, loads.withPrefix(freshPrefix), new SimpleStringSerializer());
        this.doris = doris;
        this.password = password;
        this.read = read;
        this.loads = loads;
        this.freshPrefix = freshPrefix;
    }

    /** A new start id: the current UTC time, {@code yyyyMMddHHmmssSSS}. */
    public static String newStartId() {
        return START_ID.format(Instant.now());
    }

    /** The label prefix of a table in a start without state: {@code <base>-<start id>-<table id>}. */
    public static String prefix(String base, String startId, String tableId) {
        return base + "-" + startId + "-" + tableId;
    }

    /**
     * Fails when the connector's labels, {@code <prefix>_<db>_<table>_<subtask>_<checkpoint id>}, would break Doris's
     * rule (letters, digits, {@code - _ :}, at most 128 characters): the connector would then put a random part into
     * every label and could no longer find and abort a failed attempt's transactions.
     */
    public static void requireValidLabels(String prefix, String database, String table, String baseOption) {
        String widest = prefix + "_" + database + "_" + table + WIDEST_SUFFIX;
        if (!LABEL.matcher(widest).matches()) {
            throw new OptionsException("bad value for --" + baseOption + ": stream-load labels such as " + widest
                    + " must be at most 128 letters, digits, '-', '_' or ':' (shorten the prefix or the table name)");
        }
    }

    /** The prefix a writer loads under: its restored state's (the smallest, should a rescale have merged several), else the fresh one. */
    static String chosenPrefix(Collection<DorisWriterState> restored, String freshPrefix) {
        TreeSet<String> prefixes = new TreeSet<>();
        for (DorisWriterState s : restored) {
            if (s.getLabelPrefix() != null && !s.getLabelPrefix().isEmpty()) prefixes.add(s.getLabelPrefix());
        }
        return prefixes.isEmpty() ? freshPrefix : prefixes.first();
    }

    public String freshPrefix() {
        return freshPrefix;
    }

    @Override
    public DorisAbstractWriter createWriter(InitContext context) {
        return writer(context, List.of(), false);
    }

    @Override
    public DorisAbstractWriter restoreWriter(InitContext context, Collection<DorisWriterState> restored) {
        return writer(context, restored, true);
    }

    private DorisAbstractWriter writer(InitContext context, Collection<DorisWriterState> restored, boolean isRestore) {
        String prefix = chosenPrefix(restored, freshPrefix);
        LOG.info("{} subtask {}: stream-load label prefix {} ({})", doris.getTableIdentifier(), context.getSubtaskId(), prefix,
                !isRestore ? "fresh start: this submission's start id"
                        : restored.isEmpty() ? "restored, no writer state for this subtask: this submission's start id"
                        : "restored from checkpoint " + context.getRestoredCheckpointId().orElse(-1L) + ": the prefix in its state");
        return new DorisWriter<>(context, restored, new SimpleStringSerializer(), withPassword(), read, loads.withPrefix(prefix));
    }

    @Override
    @SuppressWarnings("rawtypes") // as the connector's own: its committer commits DorisCommittable, a DorisAbstractCommittable
    public Committer createCommitter() {
        return new DorisCommitter(withPassword(), read, loads.withPrefix(freshPrefix));
    }

    /** The connection options with the password, read here, on the task manager: the job graph never holds it. */
    private DorisOptions withPassword() {
        DorisOptions.Builder b = DorisOptions.builder().setFenodes(doris.getFenodes()).setAutoRedirect(doris.isAutoRedirect())
                .setTableIdentifier(doris.getTableIdentifier()).setUsername(doris.getUsername()).setPassword(password.read());
        if (doris.getBenodes() != null) b.setBenodes(doris.getBenodes());
        if (doris.getJdbcUrl() != null) b.setJdbcUrl(doris.getJdbcUrl());
        return b.build();
    }
}
