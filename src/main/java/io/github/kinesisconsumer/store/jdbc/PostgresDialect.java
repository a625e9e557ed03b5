package io.github.kinesisconsumer.store.jdbc;

import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/** PostgreSQL: {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE} with a row comparison. */
final class PostgresDialect implements SqlDialect {

    static final PostgresDialect INSTANCE = new PostgresDialect();

    private PostgresDialect() {}

    @Override
    public String displayName() {
        return "PostgreSQL";
    }

    @Override
    public String driverClassName() {
        return "org.postgresql.Driver";
    }

    @Override
    public List<String> urlPrefixes() {
        return List.of("jdbc:postgresql:");
    }

    @Override
    public Properties connectionDefaults() {
        Properties p = new Properties();
        p.setProperty("connectTimeout", "10");
        p.setProperty("socketTimeout", "60");
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "kinesis-consumer");
        return p;
    }

    @Override
    public String createTable(TableName table) {
        return "CREATE TABLE IF NOT EXISTS "
                + table.sql()
                + " (namespace text NOT NULL, shard_id text NOT NULL,"
                + " sequence_number numeric NOT NULL, sub_sequence_number bigint NULL,"
                + " finished boolean NULL, exact_sequence_number numeric NULL,"
                + " PRIMARY KEY (namespace, shard_id))";
    }

    @Override
    public String addColumns(TableName table, List<String> columns) {
        return "ALTER TABLE "
                + table.sql()
                + " "
                + columns.stream()
                        .map(c -> "ADD COLUMN IF NOT EXISTS " + c + " " + type(c) + " NULL")
                        .collect(Collectors.joining(", "));
    }

    private static String type(String column) {
        if (Columns.FINISHED.equals(column)) {
            return "boolean";
        }
        return Columns.EXACT_SEQUENCE_NUMBER.equals(column) ? "numeric" : "bigint";
    }

    @Override
    public boolean isMissingTable(SQLException e) {
        return "42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState());
    }

    @Override
    public String upsert(TableName table, int rows, boolean extraColumns) {
        String head =
                "INSERT INTO "
                        + table.sql()
                        + " AS t ("
                        + Columns.insertList(extraColumns)
                        + ") VALUES "
                        + Columns.valuePlaceholders(rows, extraColumns)
                        + " ON CONFLICT (namespace, shard_id) DO UPDATE SET ";
        if (!extraColumns) {
            return head
                    + "sequence_number = EXCLUDED.sequence_number"
                    + " WHERE t.sequence_number < EXCLUDED.sequence_number";
        }
        return head
                + "sequence_number = CASE WHEN "
                + JdbcRows.keepsStoredBase("EXCLUDED.", "t.")
                + " THEN t.sequence_number"
                + " ELSE GREATEST(t.sequence_number, EXCLUDED.sequence_number) END,"
                + " sub_sequence_number = EXCLUDED.sub_sequence_number,"
                + " finished = EXCLUDED.finished,"
                + " exact_sequence_number = EXCLUDED.exact_sequence_number"
                + " WHERE "
                + JdbcRows.effectivePosition("t.")
                + " < (EXCLUDED.exact_sequence_number, coalesce(EXCLUDED.sub_sequence_number, -1),"
                + " coalesce(EXCLUDED.finished, false))";
    }
}
