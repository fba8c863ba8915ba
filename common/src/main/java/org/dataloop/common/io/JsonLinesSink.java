package org.dataloop.common.io;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Local output: appends each row as one changelog JSON line ({@code op} plus the columns) to
 * {@code DIR/<table>.jsonl}. Run it at parallelism 1. The launcher empties the files when a run starts;
 * after a failover, rows since the last checkpoint may be written again, which upsert readers
 * (the last row per key wins) tolerate.
 */
public final class JsonLinesSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    private final TableDef<T> def;
    private final String file;

    public JsonLinesSink(TableDef<T> def, String dir) {
        this.def = def;
        this.file = Path.of(dir, def.defaultName() + ".jsonl").toString();
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<T> createWriter(InitContext context) throws IOException {
        return new Writer<>(def, Path.of(file));
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        return new Writer<>(def, Path.of(file));
    }

    private static final class Writer<T> implements SinkWriter<T> {
        private final TableDef<T> def;
        private final OutputStream out;

        Writer(TableDef<T> def, Path file) throws IOException {
            this.def = def;
            Files.createDirectories(file.getParent());
            this.out = new BufferedOutputStream(new FileOutputStream(file.toFile(), true), 1 << 16);
        }

        @Override
        public void write(T row, Context context) throws IOException {
            out.write(RowJson.toJson(def, row, true));
            out.write('\n');
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
