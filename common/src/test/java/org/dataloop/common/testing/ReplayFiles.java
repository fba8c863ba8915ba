package org.dataloop.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;

import org.dataloop.common.parse.JsonParsers;

/** Reads changelog JSON Lines output the way the contract defines it: the last +I/+U per key wins, -D removes. */
public final class ReplayFiles {
    private ReplayFiles() {}

    public static List<Map<String, Object>> lines(Path file) throws IOException {
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) out.add(JsonParsers.MAPPER.readValue(line, new TypeReference<Map<String, Object>>() {}));
        }
        return out;
    }

    public static Map<String, Map<String, Object>> finalRows(Path file, List<String> primaryKey) throws IOException {
        Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
        for (Map<String, Object> r : lines(file)) {
            String op = (String) r.get("op");
            if (op.equals("-D")) rows.remove(key(r, primaryKey));
            else if (!op.equals("-U")) rows.put(key(r, primaryKey), r);
        }
        return rows;
    }

    public static String key(Map<String, Object> row, List<String> primaryKey) {
        StringBuilder sb = new StringBuilder();
        for (String k : primaryKey) sb.append(row.get(k)).append('|');
        return sb.toString();
    }
}
