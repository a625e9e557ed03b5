package io.github.kinesisconsumer.store.jdbc;

import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * MySQL and MariaDB: {@code INSERT ... ON DUPLICATE KEY UPDATE} with one predicate guarding every
 * assignment.
 *
 * <p>MySQL applies the assignments left to right, and a later one sees the columns changed by an
 * earlier one. The assignments therefore go from the least significant column to the most
 * significant one: while the stored row is smaller, each assignment only makes its own column equal
 * to the new one, and the more significant columns still decide the predicate the same way; when
 * the stored row is not smaller, nothing changes at all. The test {@code MySqlCheckpointStoreTest}
 * checks every ordering of a small domain of checkpoints.
 */
final class MySqlDialect implements SqlDialect {

    static final MySqlDialect INSTANCE = new MySqlDialect();

    private static final String STORED_IS_SMALLER =
            "(sequence_number, COALESCE(sub_sequence_number, -1), COALESCE(finished, FALSE))"
                    + " < (VALUES(sequence_number), COALESCE(VALUES(sub_sequence_number), -1),"
                    + " COALESCE(VALUES(finished), FALSE))";

    private MySqlDialect() {}

    @Override
    public String displayName() {
        return "MySQL";
    }

    @Override
    public String driverClassName() {
        return "com.mysql.cj.jdbc.Driver";
    }

    @Override
    public List<String> urlPrefixes() {
        return List.of("jdbc:mysql:", "jdbc:mariadb:");
    }

    @Override
    public Properties connectionDefaults() {
        Properties p = new Properties();
        p.setProperty("connectTimeout", "10000");
        p.setProperty("socketTimeout", "60000");
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("characterEncoding", "UTF-8");
        return p;
    }

    @Override
    public String createTable(TableName table) {
        return "CREATE TABLE IF NOT EXISTS "
                + table.sql()
                + " (namespace varchar(255) NOT NULL, shard_id varchar(255) NOT NULL,"
                + " sequence_number numeric(65,0) NOT NULL, sub_sequence_number bigint NULL,"
                + " finished boolean NULL, PRIMARY KEY (namespace, shard_id))"
                + " DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
    }

    @Override
    public String addColumns(TableName table, List<String> columns) {
        return "ALTER TABLE "
                + table.sql()
                + " "
                + columns.stream()
                        .map(c -> "ADD COLUMN " + c + " " + type(c) + " NULL")
                        .collect(Collectors.joining(", "));
    }

    private static String type(String column) {
        return Columns.FINISHED.equals(column) ? "boolean" : "bigint";
    }

    @Override
    public boolean isMissingTable(SQLException e) {
        return e.getErrorCode() == 1146 || e.getErrorCode() == 1049;
    }

    @Override
    public String upsert(TableName table, int rows, boolean extraColumns) {
        String head =
                "INSERT INTO "
                        + table.sql()
                        + " ("
                        + Columns.insertList(extraColumns)
                        + ") VALUES "
                        + Columns.valuePlaceholders(rows, extraColumns)
                        + " ON DUPLICATE KEY UPDATE ";
        if (!extraColumns) {
            return head + "sequence_number = GREATEST(sequence_number, VALUES(sequence_number))";
        }
        return head
                + assignIfSmaller(Columns.FINISHED)
                + ", "
                + assignIfSmaller(Columns.SUB_SEQUENCE_NUMBER)
                + ", "
                + assignIfSmaller(Columns.SEQUENCE_NUMBER);
    }

    private static String assignIfSmaller(String column) {
        return column + " = IF(" + STORED_IS_SMALLER + ", VALUES(" + column + "), " + column + ")";
    }
}
