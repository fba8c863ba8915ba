package org.dataloop.common.io;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.util.IOUtils;

/**
 * A replay: the lines of one JSON Lines file, in file order, with the number of lines read in the checkpoints, so a
 * job restored from a savepoint continues the file from the next line. With a stop after N lines, the reader
 * stops there without ending (ending would advance event time to the end of time and flush every pending
 * result): it waits, and tells {@link #reachedStop} that it did, until the job is stopped with a savepoint. A
 * file shorter than N waits at its end the same way. Without a file the source is empty and ends at once.
 */
public final class ReplayFileSource implements Source<byte[], ReplayFileSource.Split, List<ReplayFileSource.Split>>,
        ResultTypeQueryable<byte[]> {
    private static final long serialVersionUID = 1L;

    /** Runs whose replay readers are waiting at their stop, by run id: the readers share this JVM with the runner. */
    private static final Map<String, Set<String>> STOPPED = new ConcurrentHashMap<>();

    private final String file;
    private final long stopAfter;
    private final String runId;
    private final String stream;

    /**
     * @param file the file, or null for an empty stream
     * @param stopAfter lines after which the reader stops and waits, {@code Long.MAX_VALUE} to read to the end
     * @param runId identifies the run for {@link #reachedStop}
     */
    public ReplayFileSource(String file, long stopAfter, String runId, String stream) {
        this.file = file;
        this.stopAfter = stopAfter;
        this.runId = runId;
        this.stream = stream;
    }

    /** Forgets a finished run. */
    public static void forget(String runId) {
        STOPPED.remove(runId);
    }

    /** Whether the replay readers of these streams in this run all wait at their stop. */
    public static boolean reachedStop(String runId, Set<String> streams) {
        return STOPPED.getOrDefault(runId, Set.of()).containsAll(streams);
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public TypeInformation<byte[]> getProducedType() {
        return PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;
    }

    @Override
    public SourceReader<byte[], Split> createReader(SourceReaderContext context) {
        return new Reader(this);
    }

    @Override
    public SplitEnumerator<Split, List<Split>> createEnumerator(SplitEnumeratorContext<Split> context) {
        return new Enumerator(context, file == null ? new ArrayList<>() : new ArrayList<>(List.of(new Split(stream, 0))));
    }

    @Override
    public SplitEnumerator<Split, List<Split>> restoreEnumerator(SplitEnumeratorContext<Split> context, List<Split> pending) {
        return new Enumerator(context, new ArrayList<>(pending));
    }

    @Override
    public SimpleVersionedSerializer<Split> getSplitSerializer() {
        return new SplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<List<Split>> getEnumeratorCheckpointSerializer() {
        return new PendingSerializer();
    }

    /**
     * How many lines of a stream's file have been read. Not the file's path: a restore continues the file given to
     * it, so a savepoint can be restored where the files have moved.
     */
    public static final class Split implements SourceSplit {
        final String stream;
        final long linesRead;

        Split(String stream, long linesRead) {
            this.stream = stream;
            this.linesRead = linesRead;
        }

        @Override
        public String splitId() {
            return stream;
        }
    }

    /** Hands the file to the first reader (a replay runs at parallelism 1); a failed reader's split comes back. */
    private static final class Enumerator implements SplitEnumerator<Split, List<Split>> {
        private final SplitEnumeratorContext<Split> context;
        private final List<Split> pending;

        Enumerator(SplitEnumeratorContext<Split> context, List<Split> pending) {
            this.context = context;
            this.pending = pending;
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {}

        @Override
        public void addSplitsBack(List<Split> splits, int subtaskId) {
            pending.addAll(splits);
        }

        @Override
        public void addReader(int subtaskId) {
            for (Split s : pending) context.assignSplit(s, subtaskId);
            pending.clear();
            context.signalNoMoreSplits(subtaskId);
        }

        @Override
        public List<Split> snapshotState(long checkpointId) {
            return new ArrayList<>(pending);
        }

        @Override
        public void close() {}
    }

    private static final class Reader implements SourceReader<byte[], Split> {
        private final ReplayFileSource source;
        private final ArrayDeque<Split> splits = new ArrayDeque<>();
        private boolean noMoreSplits;
        private String stream;
        private long linesRead;
        private LineReader lines;
        private boolean stopped;
        private CompletableFuture<Void> waiting;

        Reader(ReplayFileSource source) {
            this.source = source;
            // a reader restarted after a failure has not reached its stop yet
            Set<String> stopped = STOPPED.get(source.runId);
            if (stopped != null) stopped.remove(source.stream);
        }

        @Override
        public void start() {}

        @Override
        public InputStatus pollNext(ReaderOutput<byte[]> output) throws Exception {
            if (stopped) return InputStatus.NOTHING_AVAILABLE;
            if (lines == null) {
                Split next = splits.poll();
                if (next == null) return noMoreSplits ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
                open(next);
            }
            byte[] line = linesRead < source.stopAfter ? lines.next() : null;
            if (line == null) {
                if (source.stopAfter != Long.MAX_VALUE) {
                    stopped = true;
                    STOPPED.computeIfAbsent(source.runId, id -> ConcurrentHashMap.newKeySet()).add(source.stream);
                    return InputStatus.NOTHING_AVAILABLE;
                }
                lines.close();
                lines = null;
                return splits.isEmpty() && noMoreSplits ? InputStatus.END_OF_INPUT : InputStatus.MORE_AVAILABLE;
            }
            linesRead++;
            output.collect(line);
            return InputStatus.MORE_AVAILABLE;
        }

        private void open(Split split) throws IOException {
            stream = split.stream;
            linesRead = 0;
            lines = new LineReader(Files.newInputStream(Path.of(source.file)));
            while (linesRead < split.linesRead && lines.next() != null) linesRead++;
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            if (!stopped && (lines != null || !splits.isEmpty() || noMoreSplits)) return CompletableFuture.completedFuture(null);
            if (waiting == null || waiting.isDone()) waiting = new CompletableFuture<>(); // a stopped reader waits for good
            return waiting;
        }

        @Override
        public void addSplits(List<Split> added) {
            // a savepoint of a stream restored without its file: nothing to read
            if (source.file != null) splits.addAll(added);
            wakeUp();
        }

        @Override
        public void notifyNoMoreSplits() {
            noMoreSplits = true;
            wakeUp();
        }

        private void wakeUp() {
            if (waiting != null && !stopped) waiting.complete(null);
        }

        @Override
        public List<Split> snapshotState(long checkpointId) {
            List<Split> state = new ArrayList<>();
            if (lines != null) state.add(new Split(stream, linesRead));
            state.addAll(splits);
            return state;
        }

        @Override
        public void close() {
            IOUtils.closeQuietly(lines);
        }
    }

    private static final class SplitSerializer implements SimpleVersionedSerializer<Split> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Split split) throws IOException {
            var bytes = new java.io.ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeUTF(split.stream);
                out.writeLong(split.linesRead);
            }
            return bytes.toByteArray();
        }

        @Override
        public Split deserialize(int version, byte[] serialized) throws IOException {
            try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(serialized))) {
                return new Split(in.readUTF(), in.readLong());
            }
        }
    }

    private static final class PendingSerializer implements SimpleVersionedSerializer<List<Split>> {
        private final SplitSerializer splits = new SplitSerializer();

        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(List<Split> pending) throws IOException {
            var bytes = new java.io.ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(pending.size());
                for (Split s : pending) {
                    byte[] b = splits.serialize(s);
                    out.writeInt(b.length);
                    out.write(b);
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public List<Split> deserialize(int version, byte[] serialized) throws IOException {
            List<Split> pending = new ArrayList<>();
            try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(serialized))) {
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    byte[] b = new byte[in.readInt()];
                    in.readFully(b);
                    pending.add(splits.deserialize(version, b));
                }
            }
            return pending;
        }
    }

    /**
     * The lines of a file as bytes, without their ends ({@code \n} or {@code \r\n}). Bytes, not text: a line that is
     * not valid UTF-8 becomes a dead letter, as from Kafka, instead of failing the read.
     */
    private static final class LineReader implements Closeable {
        private final InputStream in;
        private final byte[] buffer = new byte[1 << 16];
        private int pos;
        private int limit;

        LineReader(InputStream in) {
            this.in = in;
        }

        /** The next line, or null at the end of the file. */
        byte[] next() throws IOException {
            ByteArrayOutputStream longLine = null;
            while (true) {
                if (pos == limit) {
                    limit = in.read(buffer);
                    pos = 0;
                    if (limit <= 0) {
                        limit = 0;
                        return longLine == null ? null : withoutCr(longLine.toByteArray());
                    }
                }
                int start = pos;
                while (pos < limit && buffer[pos] != '\n') pos++;
                if (pos < limit) { // found the end of the line
                    byte[] tail = Arrays.copyOfRange(buffer, start, pos++);
                    if (longLine == null) return withoutCr(tail);
                    longLine.write(tail);
                    return withoutCr(longLine.toByteArray());
                }
                if (longLine == null) longLine = new ByteArrayOutputStream(2 * (limit - start) + 16);
                longLine.write(buffer, start, limit - start);
            }
        }

        private static byte[] withoutCr(byte[] line) {
            int n = line.length;
            return n > 0 && line[n - 1] == '\r' ? Arrays.copyOf(line, n - 1) : line;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
