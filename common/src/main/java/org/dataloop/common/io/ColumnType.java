package org.dataloop.common.io;

/** The column types our tables use; each store maps them to its own types. */
public enum ColumnType {
    STRING,
    BIGINT,
    INT,
    DOUBLE,
    BOOLEAN,
    /** Held as a yyyy-MM-dd string in our rows; a DATE column in the stores. */
    DATE
}
