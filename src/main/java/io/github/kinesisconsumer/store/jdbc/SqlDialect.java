package io.github.kinesisconsumer.store.jdbc;

import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/** The SQL that differs between the databases a {@link JdbcCheckpointStore} supports. */
interface SqlDialect {

    /** For messages: "PostgreSQL" or "MySQL". */
    String displayName();

    /** The JDBC driver class, loaded when the store connects with a URL. */
    String driverClassName();

    /** The prefixes of JDBC URLs for this database. */
    List<String> urlPrefixes();

    /** Connection properties set unless the URL sets them (timeouts, character set). */
    Properties connectionDefaults();

    /** CREATE TABLE IF NOT EXISTS with the base and the extra columns. */
    String createTable(TableName table);

    /** Adds the given extra columns ({@link Columns#EXTRA} members) to an existing table. */
    String addColumns(TableName table, List<String> columns);

    /** Whether the error says the table does not exist. */
    boolean isMissingTable(SQLException e);

    /**
     * An insert of {@code rows} rows of (namespace, shard_id, sequence_number[,
     * sub_sequence_number, finished]) that keeps, per row, the greater of the stored and the new
     * checkpoint.
     */
    String upsert(TableName table, int rows, boolean extraColumns);
}
