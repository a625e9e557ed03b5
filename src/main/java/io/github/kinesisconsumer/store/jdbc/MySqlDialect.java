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
 * earlier one. The first assignment therefore judges the stored row once and keeps the verdict in a
 * session variable that the later ones read. The test {@code MySqlCheckpointStoreTest} checks every
 * ordering of a small domain of checkpoints.
 */
final class MySqlDialect implements SqlDialect {

    static final MySqlDialect INSTANCE = new MySqlDialect();

    /**
     * A session variable that holds, for the row being updated, whether the new checkpoint is
     * greater than the stored one, judged once on the row as stored.
     */
    private static final String NEWER = "@kinesis_consumer_newer";

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
                + " finished boolean NULL, exact_sequence_number numeric(65,0) NULL,"
                + " PRIMARY KEY (namespace, shard_id))"
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
        if (Columns.FINISHED.equals(column)) {
            return "boolean";
        }
        return Columns.EXACT_SEQUENCE_NUMBER.equals(column) ? "numeric(65,0)" : "bigint";
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
                + "sequence_number = IF(("
                + NEWER
                + " := "
                + JdbcRows.effectivePosition("")
                + " < (VALUES(exact_sequence_number), COALESCE(VALUES(sub_sequence_number), -1),"
                + " COALESCE(VALUES(finished), FALSE))), IF("
                + JdbcRows.keepsStoredBase("VALUES", "")
                + ", sequence_number, GREATEST(sequence_number, VALUES(sequence_number))),"
                + " sequence_number), "
                + assignIfNewer(Columns.SUB_SEQUENCE_NUMBER)
                + ", "
                + assignIfNewer(Columns.FINISHED)
                + ", "
                + assignIfNewer(Columns.EXACT_SEQUENCE_NUMBER);
    }

    private static String assignIfNewer(String column) {
        return column + " = IF(" + NEWER + ", VALUES(" + column + "), " + column + ")";
    }
}
