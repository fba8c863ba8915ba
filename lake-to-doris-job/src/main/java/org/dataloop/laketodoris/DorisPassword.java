package org.dataloop.laketodoris;

import java.util.Map;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.config.Secrets;

/**
 * The Doris password: from the file of {@code doris.password-file} (a mounted Secret; trailing line breaks
 * dropped), else from the environment variable named by {@code doris.password-env} (set to the empty string for a
 * user without a password). Neither: the job does not start — a missing Secret must not become an empty password
 * that fails every load. Never an option value, never logged, never in the job graph: the sink carries the
 * {@link Secrets.Source} and reads the password on the task manager.
 */
public final class DorisPassword {
    private DorisPassword() {}

    /** Where the password is: shipped to the task managers instead of the password itself. */
    public static Secrets.Source source(JobOptions options) {
        String env = options.get(LakeToDorisOptions.PASSWORD_ENV);
        return new Secrets.Source(options.getOptional(LakeToDorisOptions.PASSWORD_FILE).orElse(null), LakeToDorisOptions.PASSWORD_FILE.key(), env,
                "no Doris password: mount it as a file (--" + LakeToDorisOptions.PASSWORD_FILE.key() + ") or set " + env
                        + " (to the empty string for a user without one)");
    }

    public static String resolve(JobOptions options) {
        return resolve(options, System.getenv());
    }

    static String resolve(JobOptions options, Map<String, String> env) {
        return source(options).read(env);
    }
}
