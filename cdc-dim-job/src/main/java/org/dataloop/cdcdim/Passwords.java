package org.dataloop.cdcdim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.dataloop.common.config.OptionsException;

/**
 * Database passwords come from a file (a mounted Kubernetes Secret) or the environment, never from an
 * option value, and are never logged or put in a message.
 */
public final class Passwords {
    private Passwords() {}

    public static final String MYSQL_ENV = "MYSQL_PASSWORD";
    public static final String POSTGRES_ENV = "POSTGRES_PASSWORD";

    /**
     * The file's content (without a trailing line break), else the environment variable.
     *
     * @param what e.g. "MySQL user 'cdc'", for the message when neither is there
     */
    public static String resolve(Optional<String> file, String fileOptionKey, String envName, Map<String, String> env, String what) {
        if (file.isPresent()) {
            try {
                String s = Files.readString(Path.of(file.get()), StandardCharsets.UTF_8);
                return s.replaceAll("[\r\n]+$", "");
            } catch (IOException e) {
                throw new OptionsException("--" + fileOptionKey + ": cannot read " + file.get() + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        String v = env.get(envName);
        if (v != null) return v;
        throw new OptionsException("no password for " + what + ": mount it as a file (--" + fileOptionKey + ") or set " + envName);
    }
}
