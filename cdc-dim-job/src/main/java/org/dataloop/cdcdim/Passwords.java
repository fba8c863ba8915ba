package org.dataloop.cdcdim;

import java.util.Map;
import java.util.Optional;

import org.dataloop.common.config.Secrets;

/** The database passwords (common's {@link Secrets}): a password is required. */
public final class Passwords {
    private Passwords() {}

    public static final String MYSQL_ENV = "MYSQL_PASSWORD";
    public static final String POSTGRES_ENV = "POSTGRES_PASSWORD";

    /**
     * Where the password is: the file, else the environment variable.
     *
     * @param what e.g. "MySQL user 'cdc'", for the message when neither is there
     */
    public static Secrets.Source source(Optional<String> file, String fileOptionKey, String envName, String what) {
        return new Secrets.Source(file.orElse(null), fileOptionKey, envName,
                "no password for " + what + ": mount it as a file (--" + fileOptionKey + ") or set " + envName);
    }

    /** The password, read now from the file, else the environment variable. */
    public static String resolve(Optional<String> file, String fileOptionKey, String envName, Map<String, String> env, String what) {
        return source(file, fileOptionKey, envName, what).read(env);
    }
}
