package org.dataloop.laketodoris;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Doris DDL this job ships ({@code src/main/resources/doris/*.sql}, applied in the order of
 * {@code doris/index.txt}): reading it, substituting its {@code ${variables}}, splitting it into statements, and a
 * strict reading of its {@code CREATE TABLE} statements (columns, unique key, partitioning, buckets, properties) for
 * checks and for the tests' Doris double.
 */
public final class DdlScript {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([a-z_]+)}");

    private DdlScript() {}

    /** The shipped files, in order, as (file name, text). */
    public static Map<String, String> files() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : resource("doris/index.txt").lines().map(String::trim).filter(l -> !l.isEmpty()).toList()) {
            out.put(name, resource("doris/" + name));
        }
        return out;
    }

    /** Every statement of the shipped DDL, in order, with the variables substituted. */
    public static List<String> statements(Map<String, String> variables) {
        List<String> out = new ArrayList<>();
        for (String text : files().values()) out.addAll(split(substitute(text, variables)));
        return out;
    }

    /**
     * Replaces each {@code ${name}}. Values must be identifiers or numbers, so a value cannot change a statement;
     * an unknown variable or a bad value is an error naming it.
     */
    public static String substitute(String sql, Map<String, String> variables) {
        Matcher m = VARIABLE.matcher(sql);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = variables.get(name);
            if (value == null) throw new IllegalArgumentException("DDL variable ${" + name + "} has no value");
            // identifiers, numbers and time zones (Asia/Shanghai, UTC+08:00): nothing that can end a quoted value
            if (!value.matches("[A-Za-z0-9_/+:-]+")) {
                throw new IllegalArgumentException("DDL variable ${" + name + "}: '" + value + "' is not an identifier, a number or a time zone");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        if (sb.indexOf("${") >= 0) throw new IllegalArgumentException("DDL has a malformed variable near '"
                + sb.substring(sb.indexOf("${"), Math.min(sb.length(), sb.indexOf("${") + 20)) + "'");
        return sb.toString();
    }

    /**
     * Splits a script into statements on {@code ;} outside quotes, back-quotes and comments; comments are dropped,
     * blank statements skipped. An unterminated quote or comment is an error.
     */
    public static List<String> split(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int n = script.length();
        for (int i = 0; i < n; i++) {
            char c = script.charAt(i);
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                while (i < n && script.charAt(i) != '\n') i++;
                cur.append('\n');
            } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = script.indexOf("*/", i + 2);
                if (end < 0) throw new IllegalArgumentException("unterminated comment");
                i = end + 1;
                cur.append(' ');
            } else if (c == '\'' || c == '"' || c == '`') {
                int j = i + 1;
                while (true) {
                    if (j >= n) throw new IllegalArgumentException("unterminated " + c + " quote: " + script.substring(i, Math.min(n, i + 40)));
                    char d = script.charAt(j);
                    if (d == '\\' && c != '`') { j += 2; continue; }
                    if (d == c) {
                        if (j + 1 < n && script.charAt(j + 1) == c) { j += 2; continue; } // doubled quote
                        break;
                    }
                    j++;
                }
                cur.append(script, i, j + 1);
                i = j;
            } else if (c == ';') {
                add(out, cur);
            } else {
                cur.append(c);
            }
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String s = cur.toString().strip();
        if (!s.isEmpty()) out.add(s);
        cur.setLength(0);
    }

    /** A column of a CREATE TABLE. */
    public record Column(String name, String type, boolean nullable) {}

    /** What this job relies on in a CREATE TABLE. */
    public record CreateTable(String database, String table, List<Column> columns, List<String> uniqueKey,
            String partitionColumn, List<String> distributedBy, String buckets, Map<String, String> properties) {
        public List<String> columnNames() {
            return columns.stream().map(Column::name).toList();
        }
    }

    private static final Pattern CREATE_TABLE = Pattern.compile(
            "(?s)CREATE TABLE IF NOT EXISTS `([A-Za-z0-9_]+)`\\.`([A-Za-z0-9_]+)` \\((.*)\\)\\s+"
                    + "UNIQUE KEY\\(([^)]*)\\)\\s+"
                    + "(?:COMMENT '([^']*)'\\s+)?"
                    + "PARTITION BY RANGE\\(`([A-Za-z0-9_]+)`\\) \\(\\)\\s+"
                    + "DISTRIBUTED BY HASH\\(([^)]*)\\) BUCKETS ([A-Za-z0-9_]+)\\s+"
                    + "PROPERTIES \\((.*)\\)");
    private static final Pattern COLUMN = Pattern.compile(
            "`([A-Za-z0-9_]+)` (DATE|DATETIME|BIGINT|INT|DOUBLE|BOOLEAN|VARCHAR\\((\\d+)\\)|STRING) (NOT NULL|NULL)(?: COMMENT '([^']*)')?");
    private static final Pattern PROPERTY = Pattern.compile("\"([a-z_.]+)\" = \"([^\"]*)\"");

    /**
     * Reads a CREATE TABLE of the shape this job ships, strictly: anything else is an error naming the part. Also
     * checks Doris's rules for a UNIQUE KEY merge-on-write table: the key columns come first, in key order, are NOT
     * NULL and not STRING/DOUBLE; the partition column is in the key; the hash columns are key columns.
     */
    public static CreateTable parseCreateTable(String statement) {
        String s = statement.strip();
        Matcher m = CREATE_TABLE.matcher(s);
        if (!m.matches()) throw new IllegalArgumentException("not a CREATE TABLE of the expected shape: " + head(s));
        String table = m.group(2);
        List<Column> columns = new ArrayList<>();
        for (String def : m.group(3).split(",\\s*\\n")) {
            Matcher c = COLUMN.matcher(def.strip());
            if (!c.matches()) throw new IllegalArgumentException(table + ": bad column definition '" + def.strip() + "'");
            if (c.group(3) != null) {
                int len = Integer.parseInt(c.group(3));
                if (len < 1 || len > 65533) throw new IllegalArgumentException(table + ": VARCHAR length " + len + " out of range");
            }
            for (Column prev : columns) {
                if (prev.name().equals(c.group(1))) throw new IllegalArgumentException(table + ": column " + c.group(1) + " twice");
            }
            columns.add(new Column(c.group(1), c.group(2), c.group(4).equals("NULL")));
        }
        List<String> key = identifiers(table, m.group(4));
        List<String> hash = identifiers(table, m.group(7));
        for (int i = 0; i < key.size(); i++) {
            if (i >= columns.size() || !columns.get(i).name().equals(key.get(i))) {
                throw new IllegalArgumentException(table + ": key column " + key.get(i) + " must be column " + (i + 1)
                        + " (Doris wants the key columns first, in key order)");
            }
            Column c = columns.get(i);
            if (c.nullable()) throw new IllegalArgumentException(table + ": key column " + c.name() + " must be NOT NULL");
            if (c.type().equals("STRING") || c.type().equals("DOUBLE")) {
                throw new IllegalArgumentException(table + ": key column " + c.name() + " cannot be " + c.type());
            }
        }
        String partition = m.group(6);
        if (!key.contains(partition)) throw new IllegalArgumentException(table + ": partition column " + partition + " is not in the unique key");
        for (String h : hash) {
            if (!key.contains(h)) throw new IllegalArgumentException(table + ": hash column " + h + " is not a key column");
        }
        Map<String, String> properties = new LinkedHashMap<>();
        for (String p : m.group(9).split(",\\s*\\n")) {
            Matcher pm = PROPERTY.matcher(p.strip());
            if (!pm.matches()) throw new IllegalArgumentException(table + ": bad property '" + p.strip() + "'");
            if (properties.put(pm.group(1), pm.group(2)) != null) throw new IllegalArgumentException(table + ": property " + pm.group(1) + " twice");
        }
        return new CreateTable(m.group(1), table, List.copyOf(columns), key, partition, hash, m.group(8), properties);
    }

    private static List<String> identifiers(String table, String list) {
        List<String> out = new ArrayList<>();
        for (String part : list.split(",")) {
            String p = part.strip();
            if (!p.matches("`[A-Za-z0-9_]+`")) throw new IllegalArgumentException(table + ": bad column reference '" + p + "'");
            out.add(p.substring(1, p.length() - 1));
        }
        return out;
    }

    /** The CREATE TABLE statements of the shipped DDL, by table name. */
    public static Map<String, CreateTable> tables(Map<String, String> variables) {
        Map<String, CreateTable> out = new LinkedHashMap<>();
        for (String st : statements(variables)) {
            if (st.startsWith("CREATE TABLE")) {
                CreateTable t = parseCreateTable(st);
                out.put(t.table(), t);
            }
        }
        return out;
    }

    private static String head(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    private static String resource(String path) {
        try (InputStream in = DdlScript.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing resource " + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
