package org.dataloop.laketodoris.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.dataloop.laketodoris.DdlScript;
import org.dataloop.laketodoris.DorisRows;

/**
 * A strict stand-in for an Apache Doris FE+BE on one loopback port, speaking the HTTP protocol that
 * flink-doris-connector uses (see shared/notes/FEASIBILITY.md), because Doris cannot run on these machines:
 * <ul>
 *   <li>{@code GET /} host probe; {@code GET /api/{db}/{table}/_schema}; {@code GET /api/backends};</li>
 *   <li>{@code PUT /api/{db}/{table}/_stream_load}: Basic auth, a known table, two-phase commit, JSON lines whose keys
 *       are exactly the table's DDL columns plus {@code __DORIS_DELETE_SIGN__}, NOT NULL and DATE values checked, a
 *       label not held by a running, prepared or committed transaction (an aborted one's label may be reused, as in
 *       Doris); the transaction is RUNNING while the body streams in, PREPARED when it ends well, ABORTED otherwise;</li>
 *   <li>{@code PUT /api/{db}/_stream_load_2pc}: commit (PREPARED → COMMITTED, rows applied) or abort (RUNNING or
 *       PREPARED → ABORTED); anything else fails with Doris's messages (commit of an aborted transaction fails,
 *       abort of a committed one fails, unknown ids are "not found"), and is recorded as a violation;</li>
 *   <li>committed rows per table as a UNIQUE KEY merge-on-write table keeps them: upsert by the DDL's key, delete
 *       sign 1 removes; plus the log of every committed line, to prove exactly once.</li>
 * </ul>
 * Failure injection: {@link #refuseLoads} (HTTP 500 or a failed status) and {@link #failCommits} (HTTP 500).
 * The table schemas come from the DDL the job ships ({@link DdlScript}).
 */
public final class DorisDouble implements AutoCloseable {
    public enum TxnState { RUNNING, PREPARED, COMMITTED, ABORTED }

    /** How a refused load is answered. */
    public enum Refusal { HTTP_500, FAIL_STATUS }

    public static final class Txn {
        public final long id;
        public final String label;
        public final String table;
        public volatile TxnState state = TxnState.RUNNING;
        final List<Map<String, Object>> rows = new ArrayList<>();
        public volatile long preparedAtNanos;
        public volatile long committedAtNanos;

        Txn(long id, String label, String table) {
            this.id = id;
            this.label = label;
            this.table = table;
        }

        public synchronized int rowCount() {
            return rows.size();
        }

        @Override
        public String toString() {
            return "txn " + id + " " + label + " " + state + " (" + rows.size() + " rows)";
        }
    }

    private record Schema(List<String> columns, Set<String> nullable, Set<String> dates, List<String> key,
            Map<String, Integer> varcharBytes, String partitionColumn) {}

    /**
     * The DDL's dynamic partitions: {@value #HISTORY_DAYS} days back (a century, so that the tests' fixed dates never
     * fall out as the years pass; the tests run the job with the same {@code --doris.ddl.history-days}), 3 days ahead.
     */
    public static final int HISTORY_DAYS = 36_500;
    private static final int FUTURE_DAYS = 3;
    private static final java.time.ZoneId DORIS_ZONE = java.time.ZoneId.of("Asia/Shanghai");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LOAD = Pattern.compile("/api/([^/]+)/([^/]+)/_stream_load");
    private static final Pattern TWO_PC = Pattern.compile("/api/([^/]+)/_stream_load_2pc");
    private static final Pattern SCHEMA = Pattern.compile("/api/([^/]+)/([^/]+)/_schema");

    private final String database;
    private final String user;
    private final String password;
    private final Map<String, Schema> schemas = new HashMap<>();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "doris-double");
        t.setDaemon(true);
        return t;
    });

    private final AtomicLong nextTxn = new AtomicLong(1000);
    private final Map<Long, Txn> txns = new LinkedHashMap<>();
    private final Map<String, Map<List<Object>, Map<String, Object>>> tables = new HashMap<>();
    private final Map<String, List<Map<String, Object>>> committedLog = new HashMap<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> brokenLoads = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Refusal> refusals = new HashMap<>();
    private final Map<String, AtomicInteger> refusalsLeft = new HashMap<>();
    private final AtomicInteger refusedLoads = new AtomicInteger();
    private final AtomicInteger commitFailuresLeft = new AtomicInteger();
    private final AtomicInteger failedCommits = new AtomicInteger();

    /** A double of database {@code database} with the tables of the shipped DDL, for this user and password. */
    public DorisDouble(String database, String user, String password) throws IOException {
        this(database, user, password, Map.of());
    }

    /** As above, with some tables' columns replaced (to play a Doris whose table differs from the rows sent). */
    public DorisDouble(String database, String user, String password, Map<String, List<String>> columnOverrides) throws IOException {
        this.database = database;
        this.user = user;
        this.password = password;
        var ddl = DdlScript.tables(Map.of("database", database, "replication_num", "1", "buckets", "1",
                "history_days", String.valueOf(HISTORY_DAYS), "timezone", DORIS_ZONE.getId()));
        ddl.forEach((name, t) -> {
            Set<String> nullable = new TreeSet<>();
            Set<String> dates = new TreeSet<>();
            Map<String, Integer> varcharBytes = new LinkedHashMap<>();
            for (DdlScript.Column c : t.columns()) {
                if (c.nullable()) nullable.add(c.name());
                if (c.type().equals("DATE")) dates.add(c.name());
                if (c.type().startsWith("VARCHAR(")) varcharBytes.put(c.name(), Integer.parseInt(c.type().replaceAll("\\D", "")));
            }
            List<String> columns = columnOverrides.getOrDefault(name, t.columnNames());
            schemas.put(name, new Schema(columns, nullable, dates, t.uniqueKey(), varcharBytes, t.partitionColumn()));
            tables.put(name, new LinkedHashMap<>());
            committedLog.put(name, new ArrayList<>());
        });
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** host:port of the FE (and BE) HTTP port. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Refuse the next {@code count} loads with rows into {@code table} (-1: all of them). */
    public synchronized void refuseLoads(String table, Refusal how, int count) {
        refusals.put(table, how);
        refusalsLeft.put(table, new AtomicInteger(count));
    }

    /** Answer the next {@code count} commit requests with HTTP 500, changing nothing. */
    public void failCommits(int count) {
        commitFailuresLeft.set(count);
    }

    public int refusedLoads() {
        return refusedLoads.get();
    }

    public int failedCommits() {
        return failedCommits.get();
    }

    /** The committed rows of a table, by key (as a UNIQUE KEY table holds them). */
    public synchronized Map<List<Object>, Map<String, Object>> rows(String table) {
        return new LinkedHashMap<>(tables.get(table));
    }

    /** How many rows a table holds now (cheaper than {@link #rows} while waiting for a large table). */
    public synchronized int rowCount(String table) {
        return tables.get(table).size();
    }

    /** Every committed line of a table, in commit order. */
    public synchronized List<Map<String, Object>> committedLines(String table) {
        return new ArrayList<>(committedLog.get(table));
    }

    public synchronized List<Txn> transactions() {
        return new ArrayList<>(txns.values());
    }

    public List<String> violations() {
        return new ArrayList<>(violations);
    }

    /** Requests whose client went away before the body ended or before reading the answer (a failed task); such loads are aborted, as Doris does. */
    public List<String> brokenLoads() {
        return new ArrayList<>(brokenLoads);
    }

    public List<String> requests() {
        return new ArrayList<>(requests);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- protocol

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            requests.add(method + " " + path);
            Matcher m;
            if (path.equals("/") || path.isEmpty()) {
                reply(ex, 200, "{\"status\":\"OK\"}"); // the connector's host probe: any status < 500
                return;
            }
            if (!authorized(ex)) {
                drain(ex.getRequestBody());
                reply(ex, 401, "{\"msg\":\"Unauthorized\",\"code\":401}");
                return;
            }
            if (method.equals("GET") && path.equals("/api/backends")) {
                ObjectNode be = JSON.createObjectNode().put("ip", "127.0.0.1").put("http_port", server.getAddress().getPort())
                        .put("is_alive", true);
                ObjectNode data = JSON.createObjectNode();
                data.putArray("backends").add(be);
                reply(ex, 200, JSON.createObjectNode().put("code", 0).put("msg", "success").set("data", data).toString());
            } else if (method.equals("GET") && (m = SCHEMA.matcher(path)).matches()) {
                Schema s = m.group(1).equals(database) ? schemas.get(m.group(2)) : null;
                if (s == null) {
                    reply(ex, 200, "{\"code\":1,\"msg\":\"Unknown table " + m.group(2) + "\",\"status\":404}");
                    return;
                }
                ObjectNode out = JSON.createObjectNode().put("keysType", "UNIQUE_KEYS").put("status", 200);
                ArrayNode props = out.putArray("properties");
                for (String c : s.columns()) props.addObject().put("name", c).put("type", s.dates().contains(c) ? "DATE" : "VARCHAR");
                reply(ex, 200, out.toString());
            } else if (method.equals("PUT") && (m = LOAD.matcher(path)).matches()) {
                streamLoad(ex, m.group(1), m.group(2));
            } else if (method.equals("PUT") && (m = TWO_PC.matcher(path)).matches()) {
                drain(ex.getRequestBody());
                twoPhaseCommit(ex, m.group(1));
            } else {
                drain(ex.getRequestBody());
                reply(ex, 404, "{\"msg\":\"no such endpoint " + method + " " + path + "\"}");
            }
        } catch (IOException e) {
            // the client went away (its task failed or was cancelled) before it read the answer: not a protocol error
            brokenLoads.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + ": " + e);
        } catch (RuntimeException e) {
            violations.add("double failed on a request: " + e);
            throw e;
        }
    }

    private boolean authorized(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return expected.equals(auth);
    }

    private void streamLoad(HttpExchange ex, String db, String table) throws IOException {
        var h = ex.getRequestHeaders();
        String label = h.getFirst("label");
        String problem = null;
        if (!db.equals(database)) problem = "unknown database " + db;
        else if (!schemas.containsKey(table)) problem = "unknown table " + db + "." + table;
        else if (label == null || label.isEmpty()) problem = "a load needs a label";
        else if (!"true".equals(h.getFirst("two_phase_commit"))) problem = "this Doris only accepts two-phase-commit loads";
        else if (!"json".equals(h.getFirst("format"))) problem = "format must be json, was " + h.getFirst("format");
        else if (!"true".equals(h.getFirst("read_json_by_line"))) problem = "read_json_by_line must be true";
        if (problem != null) {
            drain(ex.getRequestBody());
            violations.add("load refused: " + problem);
            replyFail(ex, -1, label, problem);
            return;
        }
        Txn txn = null;
        Txn holder = null;
        synchronized (this) {
            for (Txn t : txns.values()) {
                if (t.label.equals(label) && t.state != TxnState.ABORTED) holder = t;
            }
            if (holder == null) {
                txn = new Txn(nextTxn.getAndIncrement(), label, table);
                txns.put(txn.id, txn);
            }
        }
        if (holder != null) {
            // the body is drained outside the lock: a load streams until the client's next checkpoint
            drain(ex.getRequestBody());
            ObjectNode out = JSON.createObjectNode().put("TxnId", holder.id).put("Label", label).put("TwoPhaseCommit", "true")
                    .put("Status", "Label Already Exists")
                    .put("ExistingJobStatus", holder.state == TxnState.COMMITTED ? "FINISHED" : "RUNNING")
                    .put("Message", "Label [" + label + "] has already been used, relate to txn [" + holder.id + "]");
            reply(ex, 200, out.toString());
            return;
        }
        Schema schema = schemas.get(table);
        List<Map<String, Object>> rows = new ArrayList<>();
        String error = null;
        long bytes = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(ex.getRequestBody(), StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null) {
                bytes += line.length() + 1;
                n++;
                if (line.isEmpty()) continue;
                if (error != null) continue; // keep reading: the client streams until its checkpoint
                try {
                    rows.add(checkRow(schema, line));
                } catch (IllegalArgumentException e) {
                    error = "[DATA_QUALITY_ERROR] line " + n + ": " + e.getMessage();
                }
            }
        } catch (IOException e) {
            // the client went away mid-load (its task failed): Doris aborts such a load
            synchronized (this) {
                txn.state = TxnState.ABORTED;
            }
            brokenLoads.add(txn + ": " + e);
            return;
        }
        // the connector's start-up probe is an empty load without hidden columns; loads of rows must name the delete sign
        if (error == null && !rows.isEmpty() && !DorisRows.DELETE_SIGN.equals(h.getFirst("hidden_columns"))) {
            error = "hidden_columns must be " + DorisRows.DELETE_SIGN + " for the delete sign to apply";
        }
        if (!rows.isEmpty() && !"chunked".equalsIgnoreCase(h.getFirst("Transfer-Encoding"))) {
            violations.add("a load of rows that was not streamed (chunked): " + label);
        }
        Refusal refusal = null;
        synchronized (this) {
            AtomicInteger left = refusalsLeft.get(table);
            if (!rows.isEmpty() && left != null && left.get() != 0) {
                left.decrementAndGet();
                refusal = refusals.get(table);
                refusedLoads.incrementAndGet();
            }
            if (error != null || refusal != null) {
                txn.state = TxnState.ABORTED;
            } else {
                synchronized (txn) {
                    txn.rows.addAll(rows);
                }
                txn.state = TxnState.PREPARED;
                txn.preparedAtNanos = System.nanoTime();
            }
        }
        if (refusal == Refusal.HTTP_500) {
            reply(ex, 500, "{\"msg\":\"injected: internal error\"}");
        } else if (refusal == Refusal.FAIL_STATUS) {
            replyFail(ex, txn.id, label, "injected: [INTERNAL_ERROR] too many filtered rows");
        } else if (error != null) {
            replyFail(ex, txn.id, label, error);
        } else {
            ObjectNode out = JSON.createObjectNode().put("TxnId", txn.id).put("Label", label).put("Comment", "")
                    .put("TwoPhaseCommit", "true").put("Status", "Success").put("Message", "OK")
                    .put("NumberTotalRows", rows.size()).put("NumberLoadedRows", rows.size()).put("NumberFilteredRows", 0)
                    .put("NumberUnselectedRows", 0).put("LoadBytes", bytes).put("LoadTimeMs", 1);
            reply(ex, 200, out.toString());
        }
    }

    /** The row of a JSON line, or an error: exactly the table's columns and the delete sign, types as the DDL says. */
    private static Map<String, Object> checkRow(Schema schema, String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + line);
        }
        if (!(node instanceof ObjectNode obj)) throw new IllegalArgumentException("not a JSON object: " + line);
        List<String> keys = new ArrayList<>();
        obj.fieldNames().forEachRemaining(keys::add);
        List<String> expected = new ArrayList<>(schema.columns());
        expected.add(DorisRows.DELETE_SIGN);
        if (!new TreeSet<>(keys).equals(new TreeSet<>(expected)) || keys.size() != expected.size()) {
            throw new IllegalArgumentException("columns " + keys + " do not match the table's " + expected);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        for (String c : expected) {
            JsonNode v = obj.get(c);
            if (v.isNull()) {
                if (!schema.nullable().contains(c)) throw new IllegalArgumentException("column " + c + " is NOT NULL");
                row.put(c, null);
            } else if (schema.dates().contains(c)) {
                try {
                    row.put(c, LocalDate.parse(v.asText()).toString());
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("column " + c + ": not a date: " + v);
                }
            } else if (v.isTextual()) {
                // strict mode: a string longer than its VARCHAR(n), counted in bytes as Doris does, fails the load
                Integer max = schema.varcharBytes().get(c);
                int bytes = v.asText().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                if (max != null && bytes > max) {
                    throw new IllegalArgumentException("the length of input is too long than schema. column_name: " + c
                            + "; input_str: [" + v.asText().substring(0, Math.min(20, v.asText().length())) + "...]; schema length: " + max
                            + "; actual length: " + bytes);
                }
                row.put(c, v.asText());
            } else if (v.isIntegralNumber()) {
                row.put(c, v.asLong());
            } else if (v.isNumber()) {
                row.put(c, v.asDouble());
            } else if (v.isBoolean()) {
                row.put(c, v.asBoolean());
            } else {
                throw new IllegalArgumentException("column " + c + ": unsupported value " + v);
            }
        }
        // a row must fall into a partition that exists: the dynamic ones from today - history to today + 3
        if (schema.partitionColumn() != null && row.get(schema.partitionColumn()) != null) {
            LocalDate day = LocalDate.parse((String) row.get(schema.partitionColumn()));
            LocalDate today = LocalDate.now(DORIS_ZONE);
            if (day.isBefore(today.minusDays(HISTORY_DAYS)) || day.isAfter(today.plusDays(FUTURE_DAYS))) {
                throw new IllegalArgumentException("no partition for this tuple. tuple=" + line);
            }
        }
        Object sign = row.get(DorisRows.DELETE_SIGN);
        if (!(sign instanceof Long l) || (l != 0 && l != 1)) throw new IllegalArgumentException("bad delete sign " + sign);
        return row;
    }

    private void twoPhaseCommit(HttpExchange ex, String db) throws IOException {
        var h = ex.getRequestHeaders();
        String op = h.getFirst("txn_operation");
        String idText = h.getFirst("txn_id");
        if (!db.equals(database)) {
            reply(ex, 200, status("Fail", "unknown database " + db));
            return;
        }
        if (!"commit".equals(op) && !"abort".equals(op)) {
            violations.add("2pc with txn_operation " + op);
            reply(ex, 200, status("Fail", "txn_operation must be commit or abort"));
            return;
        }
        if ("commit".equals(op) && commitFailuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0) {
            failedCommits.incrementAndGet();
            reply(ex, 500, "{\"msg\":\"injected: commit failed\"}");
            return;
        }
        synchronized (this) {
            Txn txn = null;
            if (idText != null) {
                txn = txns.get(Long.parseLong(idText));
            } else if (h.getFirst("label") != null && op.equals("abort")) {
                for (Txn t : txns.values()) if (t.label.equals(h.getFirst("label")) && t.state != TxnState.ABORTED) txn = t;
            }
            String id = idText != null ? idText : String.valueOf(txn == null ? -1 : txn.id);
            if (txn == null) {
                reply(ex, 200, status("Fail", "transaction [" + id + "] not found"));
                return;
            }
            if (op.equals("commit")) {
                switch (txn.state) {
                    case PREPARED -> {
                        apply(txn);
                        txn.state = TxnState.COMMITTED;
                        txn.committedAtNanos = System.nanoTime();
                        reply(ex, 200, status("Success", "transaction [" + id + "] commit successfully."));
                    }
                    case COMMITTED -> reply(ex, 200, status("Fail", "transaction [" + id + "] is already VISIBLE, not pre-committed."));
                    case ABORTED -> {
                        violations.add("commit of aborted " + txn);
                        reply(ex, 200, status("Fail", "transaction [" + id + "] is already aborted. abort reason: user abort"));
                    }
                    case RUNNING -> {
                        violations.add("commit of running " + txn);
                        reply(ex, 200, status("Fail", "transaction [" + id + "] is not pre-committed, state RUNNING"));
                    }
                }
            } else {
                switch (txn.state) {
                    case RUNNING, PREPARED -> {
                        txn.state = TxnState.ABORTED;
                        reply(ex, 200, status("Success", "transaction [" + id + "] abort successfully."));
                    }
                    case ABORTED -> reply(ex, 200, status("Fail", "transaction [" + id + "] is already aborted"));
                    case COMMITTED -> {
                        violations.add("abort of committed " + txn);
                        reply(ex, 200, status("Fail", "transaction [" + id + "] is already COMMITTED, could not abort."));
                    }
                }
            }
        }
    }

    /** Applies a transaction's rows as merge-on-write would: in order, upsert by key, delete sign 1 removes. */
    private void apply(Txn txn) {
        Schema schema = schemas.get(txn.table);
        Map<List<Object>, Map<String, Object>> table = tables.get(txn.table);
        synchronized (txn) {
            for (Map<String, Object> row : txn.rows) {
                List<Object> key = new ArrayList<>();
                for (String k : schema.key()) key.add(row.get(k));
                if (Long.valueOf(1).equals(row.get(DorisRows.DELETE_SIGN))) {
                    table.remove(key);
                } else {
                    Map<String, Object> value = new LinkedHashMap<>(row);
                    value.remove(DorisRows.DELETE_SIGN);
                    table.put(key, value);
                }
                committedLog.get(txn.table).add(row);
            }
        }
    }

    private static String status(String status, String msg) {
        return JSON.createObjectNode().put("status", status).put("msg", msg).toString();
    }

    private static void replyFail(HttpExchange ex, long txnId, String label, String message) throws IOException {
        ObjectNode out = JSON.createObjectNode().put("TxnId", txnId).put("Label", label).put("TwoPhaseCommit", "true")
                .put("Status", "Fail").put("Message", message).put("ErrorURL", "http://doris-double/error_log");
        reply(ex, 200, out.toString());
    }

    private static void reply(HttpExchange ex, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void drain(InputStream in) throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
    }

}
