package org.dataloop.laketodoris;

import java.io.Serializable;
import java.util.Map;
import java.util.Optional;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.config.OptionsException;
import org.dataloop.common.config.Secrets;

/**
 * The Doris password: from the file of {@code doris.password-file} (a mounted Secret; trailing line breaks
 * dropped), else from the environment variable named by {@code doris.password-env} (set to the empty string for a
 * user without a password). Neither: the job does not start — a missing Secret must not become an empty password
 * that fails every load. Never an option value, never logged, never in the job graph: the sink carries a
 * {@link Source} and reads the password on the task manager.
 */
public final class DorisPassword {
    private DorisPassword() {}

    /** Where the password is: shipped to the task managers instead of the password itself. */
    public record Source(String file, String envName) implements Serializable {
        /** The password, read now (on a task manager: the Secret is mounted there too). */
        public String read() {
            return DorisPassword.read(this, System.getenv());
        }
    }

    public static Source source(JobOptions options) {
        return new Source(options.getOptional(LakeToDorisOptions.PASSWORD_FILE).orElse(null), options.get(LakeToDorisOptions.PASSWORD_ENV));
    }

    public static String resolve(JobOptions options) {
        return resolve(options, System.getenv());
    }

    static String resolve(JobOptions options, Map<String, String> env) {
        return read(source(options), env);
    }

    private static String read(Source source, Map<String, String> env) {
        return Secrets.read(Optional.ofNullable(source.file()), LakeToDorisOptions.PASSWORD_FILE.key(), source.envName(), env)
                .orElseThrow(() -> new OptionsException("no Doris password: mount it as a file (--" + LakeToDorisOptions.PASSWORD_FILE.key()
                        + ") or set " + source.envName() + " (to the empty string for a user without one)"));
    }
}
