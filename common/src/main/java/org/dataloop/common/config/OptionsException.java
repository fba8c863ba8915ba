package org.dataloop.common.config;

/** A bad command line or configuration; its message is one line naming the option. */
public class OptionsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OptionsException(String message) {
        super(message);
    }
}
