package org.dataloop.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.dataloop.common.io.DeadLetterTable;
import org.dataloop.common.io.TableDef;
import org.dataloop.common.runtime.JobDefinition;

/**
 * The contract's §7.1, checked through {@code bin/dataloop} as a user runs it: a replay stopped with a savepoint
 * after N records and restored must give what one uninterrupted run gives — per primary key the same final row,
 * the same messages of a topic (each trigger once) and the same dead letters — wherever N falls.
 */
public final class ReplaySplits {
    /** Columns that hold the wall clock, not a result. */
    private static final Set<String> WALL_CLOCK = Set.of("update_time", "ingest_time");
    private static final Pattern SAVEPOINT = Pattern.compile("(?m)^savepoint: (\\S+)$");

    private ReplaySplits() {}

    /** One uninterrupted run of {@code replayArgs}, then a stopped and restored run for each N; compares every output. */
    public static void assertEveryOutputMatches(Path tmp, JobDefinition job, List<String> replayArgs, long... splits) throws Exception {
        Path whole = tmp.resolve("uninterrupted");
        run(tmp, job, replayArgs, "--output.dir", whole.toString());
        for (long n : splits) {
            Path first = tmp.resolve("first-" + n);
            Path second = tmp.resolve("second-" + n);
            Launcher.Result stopped = run(tmp, job, replayArgs, "--output.dir", first.toString(), "--stop-after-records", String.valueOf(n));
            Matcher m = SAVEPOINT.matcher(stopped.output());
            assertThat(m.find()).as("a 'savepoint: <path>' line after %d records in:%n%s", n, stopped.output()).isTrue();
            run(tmp, job, replayArgs, "--output.dir", second.toString(), "--savepoint.path", m.group(1));

            assertContinues(job, first, second, whole, "split after " + n + " records");
        }
    }

    /**
     * Asserts that the outputs in {@code first} (a run stopped with a savepoint) followed by those in {@code second}
     * (its restore) are those of the uninterrupted run in {@code whole}.
     */
    public static void assertContinues(JobDefinition job, Path first, Path second, Path whole, String what) throws Exception {
        List<TableDef<?>> tables = new ArrayList<>(job.outputs());
        tables.add(DeadLetterTable.DEF);
        for (TableDef<?> t : tables) {
            String file = t.defaultName() + ".jsonl";
            List<Map<String, Object>> split = new ArrayList<>(rows(first.resolve(file)));
            split.addAll(rows(second.resolve(file)));
            List<Map<String, Object>> expected = rows(whole.resolve(file));
            String as = t.defaultName() + ", " + what;
            if (t.store() == TableDef.Store.KAFKA) {
                // a topic: every message once, in any order
                assertThat(split).as(as).containsExactlyInAnyOrderElementsOf(expected);
            } else {
                assertThat(finalRows(split, t.primaryKey())).as(as).isEqualTo(finalRows(expected, t.primaryKey()));
            }
        }
    }

    static Launcher.Result run(Path tmp, JobDefinition job, List<String> replayArgs, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", job.name(), "--local"));
        args.addAll(replayArgs);
        args.addAll(List.of(more));
        Launcher.Result r = Launcher.run(tmp, args.toArray(String[]::new));
        assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r.output()).isZero();
        return r;
    }

    private static List<Map<String, Object>> rows(Path file) throws Exception {
        if (!Files.exists(file)) return List.of();
        List<Map<String, Object>> rows = ReplayFiles.lines(file);
        for (Map<String, Object> r : rows) r.keySet().removeAll(WALL_CLOCK);
        return rows;
    }

    private static Map<String, Map<String, Object>> finalRows(List<Map<String, Object>> changelog, List<String> primaryKey) {
        Map<String, Map<String, Object>> rows = new TreeMap<>();
        for (Map<String, Object> r : changelog) {
            String op = (String) r.get("op");
            String key = ReplayFiles.key(r, primaryKey);
            if (op.equals("-D")) {
                rows.remove(key);
            } else if (!op.equals("-U")) {
                Map<String, Object> value = new TreeMap<>(r);
                value.remove("op"); // +I or +U: the same row
                rows.put(key, value);
            }
        }
        return rows;
    }
}
