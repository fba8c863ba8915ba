package org.dataloop.cdcdim;

/**
 * One row's value that its lake column cannot take (text that is no time in an epoch column, NULL in a key
 * column), while the source table still matches the lake table: that change is a dead letter and the job goes on.
 */
public class BadSourceValue extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadSourceValue(String message) {
        super(message);
    }
}
