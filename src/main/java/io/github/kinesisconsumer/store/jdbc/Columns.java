package io.github.kinesisconsumer.store.jdbc;

import java.util.List;

/** Column names of the checkpoint table; the base ones are those of harlow/kinesis-consumer. */
final class Columns {

    static final String NAMESPACE = "namespace";
    static final String SHARD_ID = "shard_id";
    static final String SEQUENCE_NUMBER = "sequence_number";
    static final String SUB_SEQUENCE_NUMBER = "sub_sequence_number";
    static final String FINISHED = "finished";
    static final String EXACT_SEQUENCE_NUMBER = "exact_sequence_number";

    static final List<String> EXTRA = List.of(SUB_SEQUENCE_NUMBER, FINISHED, EXACT_SEQUENCE_NUMBER);

    private Columns() {}

    /** Column list of an insert, in bind order. */
    static String insertList(boolean extraColumns) {
        return extraColumns
                ? "namespace, shard_id, sequence_number, sub_sequence_number, finished,"
                        + " exact_sequence_number"
                : "namespace, shard_id, sequence_number";
    }

    /** {@code (?, ?, ?), (?, ?, ?), ...} for {@code rows} rows. */
    static String valuePlaceholders(int rows, boolean extraColumns) {
        String row = extraColumns ? "(?, ?, ?, ?, ?, ?)" : "(?, ?, ?)";
        StringBuilder sb = new StringBuilder(rows * (row.length() + 2));
        for (int i = 0; i < rows; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(row);
        }
        return sb.toString();
    }
}
