package org.dataloop.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** bin/dataloop runs the jobs in the JVM the tests run them in. */
class LauncherTest {
    private static final Pattern OPENS = Pattern.compile("--add-opens=\\S+");

    private static List<String> opens(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = OPENS.matcher(text);
        while (m.find()) out.add(m.group());
        return out;
    }

    @Test
    void theLauncherOpensWhatTheTestsOpen() throws Exception {
        String pom = Files.readString(Launcher.ROOT.resolve("pom.xml"));
        String tests = pom.substring(pom.indexOf("<test.add-opens>"), pom.indexOf("</test.add-opens>"));
        assertThat(opens(Files.readString(Launcher.ROOT.resolve("bin/dataloop")))).isNotEmpty()
                .containsExactlyInAnyOrderElementsOf(opens(tests));
    }

    @Test
    void aBenchmarkOfAJobWithoutOneIsRefusedWithTheListOfBenchmarks() throws Exception {
        Launcher.Result r = Launcher.run(Files.createTempDirectory("launcher"), "bench", "cdc-dim-job");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.output()).isEqualTo("error: no benchmark for 'cdc-dim-job' (benchmarks: heartbeat-job, pose-trigger-job, case-metrics-job)\n");
    }
}
