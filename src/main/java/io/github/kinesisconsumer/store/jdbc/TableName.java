package io.github.kinesisconsumer.store.jdbc;

import java.util.regex.Pattern;

/**
 * A validated table name: an identifier, optionally qualified by a schema (PostgreSQL) or database
 * (MySQL). Only names that match {@link #RULE} reach SQL text, so a name can never inject SQL.
 */
final class TableName {

    static final String RULE = "[A-Za-z_][A-Za-z0-9_]{0,62}";

    private static final Pattern IDENTIFIER = Pattern.compile(RULE);

    private final String schema;
    private final String table;

    private TableName(String schema, String table) {
        this.schema = schema;
        this.table = table;
    }

    /** Parses {@code table} or {@code schema.table}; throws IllegalArgumentException otherwise. */
    static TableName parse(String name) {
        if (name != null) {
            int dot = name.indexOf('.');
            String schema = dot < 0 ? null : name.substring(0, dot);
            String table = dot < 0 ? name : name.substring(dot + 1);
            if ((schema == null || IDENTIFIER.matcher(schema).matches())
                    && IDENTIFIER.matcher(table).matches()) {
                return new TableName(schema, table);
            }
        }
        throw new IllegalArgumentException(
                "table name must be an identifier matching "
                        + RULE
                        + ", optionally qualified as schema.table, but was "
                        + (name == null ? "null" : "'" + name + "'"));
    }

    /** The name as it appears in SQL (unquoted, so the database folds case as it always does). */
    String sql() {
        return schema == null ? table : schema + "." + table;
    }

    @Override
    public String toString() {
        return sql();
    }
}
