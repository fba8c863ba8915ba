package org.dataloop.cdcdim;

/**
 * A source table no longer matches its lake table (a column added, dropped, or of a type the job cannot
 * map). The job stops on it instead of writing rows that silently lose or invent data.
 */
public class SourceSchemaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SourceSchemaException(String message) {
        super(message);
    }
}
