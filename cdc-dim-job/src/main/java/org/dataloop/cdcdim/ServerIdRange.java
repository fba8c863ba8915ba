package org.dataloop.cdcdim;

import org.dataloop.common.config.OptionsException;

/** A MySQL replica server-id range {@code N} or {@code N-M}: each parallel binlog reader needs its own id. */
public record ServerIdRange(long first, long last) {
    private static final long MAX = 4_294_967_295L; // server_id is an unsigned 32-bit integer

    /**
     * @param readers the parallelism of the MySQL source
     * @throws OptionsException naming {@code optionKey} when the text is not a range or has fewer ids than readers
     */
    public static ServerIdRange parse(String optionKey, String text, int readers) {
        String t = text.trim();
        ServerIdRange r;
        try {
            int dash = t.indexOf('-');
            long first = Long.parseLong(dash < 0 ? t : t.substring(0, dash).trim());
            long last = dash < 0 ? first : Long.parseLong(t.substring(dash + 1).trim());
            r = new ServerIdRange(first, last);
        } catch (NumberFormatException e) {
            throw new OptionsException("bad value for --" + optionKey + ": '" + text + "' (expected N or N-M, e.g. 5400-5403)");
        }
        if (r.first < 1 || r.last > MAX || r.last < r.first) {
            throw new OptionsException("bad value for --" + optionKey + ": '" + text + "' (ids are 1.." + MAX + ", N ≤ M)");
        }
        if (r.size() < readers) {
            throw new OptionsException("--" + optionKey + " " + text + " has " + r.size() + " id(s) for " + readers
                    + " parallel MySQL readers: give one id per reader (e.g. " + r.first + "-" + (r.first + readers - 1) + ")");
        }
        return r;
    }

    public long size() {
        return last - first + 1;
    }

    /** The form the MySQL CDC source takes. */
    @Override
    public String toString() {
        return first == last ? Long.toString(first) : first + "-" + last;
    }
}
