package org.dataloop.common.config;

import java.io.IOException;
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
