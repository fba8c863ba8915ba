package org.dataloop.laketodoris;

import java.util.Map;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.config.OptionsException;
import org.dataloop.common.config.Secrets;

/**
 * The Doris password: from the file of {@code doris.password-file} (a mounted Secret; trailing line breaks
 * dropped), else from the environment variable named by {@code doris.password-env} (set to the empty string for a
 * user without a password). Neither: the job does not start — a missing Secret must not become an empty password
 * that fails every load. Never an option value, never logged.
 */
public final class DorisPassword {
    private DorisPassword() {}

    public static String resolve(JobOptions options) {
        return resolve(options, System.getenv());
    }

    static String resolve(JobOptions options, Map<String, String> env) {
        return Secrets.read(options.getOptional(LakeToDorisOptions.PASSWORD_FILE), LakeToDorisOptions.PASSWORD_FILE.key(),
                options.get(LakeToDorisOptions.PASSWORD_ENV), env).orElseThrow(() -> new OptionsException(
                        "no Doris password: mount it as a file (--" + LakeToDorisOptions.PASSWORD_FILE.key() + ") or set "
                        + options.get(LakeToDorisOptions.PASSWORD_ENV) + " (to the empty string for a user without one)"));
    }
}
