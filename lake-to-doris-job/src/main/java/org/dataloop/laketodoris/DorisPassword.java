package org.dataloop.laketodoris;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.config.OptionsException;

/**
 * The Doris password: from the file of {@code doris.password-file} (a mounted Secret; one trailing newline is
 * dropped), else from the environment variable named by {@code doris.password-env}, else empty. Never an option
 * value, never logged.
 */
public final class DorisPassword {
    private DorisPassword() {}

    public static String resolve(JobOptions options) {
        return resolve(options, System.getenv());
    }

    static String resolve(JobOptions options, Map<String, String> env) {
        var file = options.getOptional(LakeToDorisOptions.PASSWORD_FILE);
        if (file.isPresent()) {
            try {
                String s = Files.readString(Path.of(file.get()), StandardCharsets.UTF_8);
                if (s.endsWith("\r\n")) return s.substring(0, s.length() - 2);
                if (s.endsWith("\n")) return s.substring(0, s.length() - 1);
                return s;
            } catch (IOException e) {
                // the message names the file, not its content
                throw new OptionsException("--" + LakeToDorisOptions.PASSWORD_FILE.key() + ": cannot read " + file.get()
                        + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        String value = env.get(options.get(LakeToDorisOptions.PASSWORD_ENV));
        return value == null ? "" : value;
    }
}
