package org.dataloop.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.dataloop.common.runtime.JobDefinition;

/**
 * Savepoints of earlier releases must keep restoring. Each fixture under the module's
 * {@code src/test/resources/savepoints/<name>/} was made by {@code bin/dataloop fixture <job>} from the fixture input
 * ({@code savepoints/input/}: the files, {@code args}, {@code stop-after-records}): a savepoint of a replay stopped
 * after N records, that run's rows ({@code first/}) and the rows of the replay uninterrupted ({@code uninterrupted/}),
 * all from the code of that release ({@code VERSION}). The current code restores each savepoint, continues the
 * replay, and must give the uninterrupted rows.
 */
public final class SavepointFixtures {
    private static final Path FIXTURES = Path.of("src/test/resources/savepoints").toAbsolutePath();

    private SavepointFixtures() {}

    public static void assertEveryFixtureRestores(Path tmp, JobDefinition job) throws Exception {
        Path input = FIXTURES.resolve("input");
        List<String> args = new ArrayList<>();
        for (String line : Files.readAllLines(input.resolve("args"))) {
            if (!line.isBlank()) args.add(line.replace("@input@", input.toString()));
        }
        List<Path> fixtures;
        try (Stream<Path> dirs = Files.list(FIXTURES)) {
            fixtures = dirs.filter(d -> Files.isDirectory(d.resolve("savepoint"))).sorted().toList();
        }
        assertThat(fixtures).as("savepoint fixtures of %s (make one with bin/dataloop fixture %s)", job.name(), job.name()).isNotEmpty();
        for (Path fixture : fixtures) {
            Path second = tmp.resolve("restored-" + fixture.getFileName());
            List<String> restore = new ArrayList<>(args);
            restore.addAll(List.of("--output.dir", second.toString(), "--savepoint.path", fixture.resolve("savepoint").toUri().toString()));
            ReplaySplits.run(tmp, job, restore);
            ReplaySplits.assertContinues(job, fixture.resolve("first"), second, fixture.resolve("uninterrupted"),
                    "restored from the savepoint fixture " + fixture.getFileName());
        }
    }
}
