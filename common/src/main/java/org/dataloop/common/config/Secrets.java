package org.dataloop.common.config;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Secrets (database and Doris passwords) come from a file — a mounted Kubernetes Secret — or from the environment,
 * never from an option value; they are never logged or put in a message.
 */
public final class Secrets {
    private Secrets() {}

    /**
     * Where a secret is — a file or an environment variable — shipped to the task managers instead of the secret,
     * which is read there when it is used (the Secret is mounted on every pod), so it never is in the serialized job
     * graph the JobManager keeps in HA storage.
     *
     * @param missing the one-line message when neither the file nor the variable is there
     */
    public record Source(String file, String fileOptionKey, String envName, String missing) implements Serializable {
        /** The secret, read now from the file or this process's environment. */
        public String read() {
            return read(System.getenv());
        }

        public String read(Map<String, String> env) {
            return Secrets.read(Optional.ofNullable(file), fileOptionKey, envName, env).orElseThrow(() -> new OptionsException(missing));
        }
    }

    /**
     * The file's content without its trailing line breaks if a file is given, else the environment variable, else empty.
     *
     * @param fileOptionKey the option naming the file, for the message when it cannot be read (which names the file only)
     */
    public static Optional<String> read(Optional<String> file, String fileOptionKey, String envName, Map<String, String> env) {
        if (file.isPresent()) {
            try {
                return Optional.of(Files.readString(Path.of(file.get()), StandardCharsets.UTF_8).replaceAll("[\r\n]+$", ""));
            } catch (IOException e) {
                throw new OptionsException("--" + fileOptionKey + ": cannot read " + file.get() + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        return Optional.ofNullable(env.get(envName));
    }
}
