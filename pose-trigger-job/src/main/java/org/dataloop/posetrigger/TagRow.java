package org.dataloop.posetrigger;

/** One row of {@code tag_tall_table}: a tag's value for a car and second (a Flink POJO). */
public class TagRow {
    public String carId;
    public long tsSecond;
    public int tagId;
    public String tagName;
    /** {@code number} or {@code bool}. */
    public String valueType;
    /** The value as text: a number with 2 decimals ({@code 42.50}) or {@code true}. */
    public String value;

    public TagRow() {}

    @Override
    public String toString() {
        return carId + "@" + tsSecond + " " + tagName + "=" + value;
    }
}
