package io.github.kinesisconsumer.store.jdbc;

/**
 * The SQL both dialects share for reading a row the Go library may have written over.
 *
 * <p>A row holds in {@code sequence_number} the position the Go library reads: the exact one, or,
 * inside a KPL aggregate, the last record read whole before it. The extra columns hold the exact
 * position ({@code exact_sequence_number}, {@code sub_sequence_number}, {@code finished}). The Go
 * library writes only {@code sequence_number} (PostgreSQL) or replaces the row (MySQL), so the
 * extra columns count only while {@code sequence_number} does not lie past {@code
 * exact_sequence_number}; a row without {@code exact_sequence_number} (written by the Go library or
 * by an earlier version of this library) counts as its columns say.
 */
final class JdbcRows {

    private JdbcRows() {}

    /** The stored position as a row value (sequence, sub-sequence, finished) for comparisons. */
    static String effectivePosition(String row) {
        String extrasCount =
                row
                        + "exact_sequence_number IS NULL OR "
                        + row
                        + "sequence_number <= "
                        + row
                        + "exact_sequence_number";
        return "(CASE WHEN "
                + row
                + "exact_sequence_number IS NOT NULL AND "
                + row
                + "sequence_number <= "
                + row
                + "exact_sequence_number THEN "
                + row
                + "exact_sequence_number ELSE "
                + row
                + "sequence_number END, CASE WHEN "
                + extrasCount
                + " THEN coalesce("
                + row
                + "sub_sequence_number, -1) ELSE -1 END, CASE WHEN "
                + extrasCount
                + " THEN coalesce("
                + row
                + "finished, false) ELSE false END)";
    }

    /**
     * Whether an update keeps the stored {@code sequence_number} (otherwise it takes the greater of
     * the stored and the new one, so the Go library's position never moves back): the new
     * checkpoint lies inside an aggregate without a known whole record before it (it then carries
     * its exact sequence in both columns), and the stored value does not lie past it. {@code
     * incoming} is {@code "EXCLUDED."} (PostgreSQL) or {@code "VALUES"} (MySQL, which reads {@code
     * VALUES(column)}).
     */
    static String keepsStoredBase(String incoming, String stored) {
        return in(incoming, "sub_sequence_number")
                + " IS NOT NULL AND NOT "
                + in(incoming, "finished")
                + " AND "
                + in(incoming, "sequence_number")
                + " = "
                + in(incoming, "exact_sequence_number")
                + " AND "
                + stored
                + "sequence_number <= "
                + in(incoming, "exact_sequence_number");
    }

    private static String in(String incoming, String column) {
        return incoming.equals("VALUES") ? "VALUES(" + column + ")" : incoming + column;
    }
}
