package io.github.kinesisconsumer.store.jdbc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Readies the table of a {@link JdbcCheckpointStore}: creates it when allowed, refuses a sequence
 * number column that cannot hold 128 digits, and finds (or, when allowed, adds) the extra columns.
 */
final class TableSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TableSetup.class);

    private final SqlDialect dialect;
    private final TableName table;
    private final boolean createTable;
    private final int queryTimeoutSeconds;
    private final Object owner;

    TableSetup(
            SqlDialect dialect,
            TableName table,
            boolean createTable,
            int queryTimeoutSeconds,
            Object owner) {
        this.dialect = dialect;
        this.table = table;
        this.createTable = createTable;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
        this.owner = owner;
    }

    /**
     * Creates the table if allowed, checks its sequence number column, and adds the extra columns
     * if allowed; returns whether the table has them.
     */
    boolean prepare(Connection c) throws SQLException {
        SQLException createFailure = null;
        if (createTable) {
            createFailure = executeDdl(c, dialect.createTable(table));
        }
        Set<String> columns;
        try {
            columns = columnsOf(c);
        } catch (SQLException e) {
            if (!dialect.isMissingTable(e)) {
                throw e;
            }
            if (createFailure != null) {
                e.addSuppressed(createFailure);
            }
            throw new SQLException(
                    "table "
                            + table
                            + " does not exist"
                            + (createTable
                                    ? " and could not be created"
                                    : "; create it with: "
                                            + dialect.createTable(table)
                                            + " (or set createTable(true))")
                            + ": "
                            + e.getMessage(),
                    e.getSQLState(),
                    e.getErrorCode(),
                    e);
        }
        List<String> missing = missingExtras(columns);
        if (missing.isEmpty()) {
            return true;
        }
        SQLException alterFailure = null;
        if (createTable) {
            alterFailure = executeDdl(c, dialect.addColumns(table, missing));
            missing = missingExtras(columnsOf(c));
            if (missing.isEmpty()) {
                LOG.info("{}: added columns {}", owner, Columns.EXTRA);
                return true;
            }
        }
        LOG.warn(
                "{}: the table has no column(s) {}, so sub-sequence numbers of aggregated records"
                        + " and finished-shard markers are not persisted (only sequence numbers"
                        + " are). Add them with: {}{}",
                owner,
                missing,
                dialect.addColumns(table, missing),
                alterFailure == null
                        ? " (or set createTable(true))"
                        : " (adding them failed: "
                                + JdbcCheckpointStore.describe(alterFailure)
                                + ")");
        return false;
    }

    private static List<String> missingExtras(Set<String> columns) {
        List<String> missing = new ArrayList<>();
        for (String column : Columns.EXTRA) {
            if (!columns.contains(column)) {
                missing.add(column);
            }
        }
        return missing;
    }

    /** The table's column names, in lower case, as the store's own statements resolve it. */
    private Set<String> columnsOf(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.setQueryTimeout(queryTimeoutSeconds);
            try (ResultSet rs = s.executeQuery("SELECT * FROM " + table.sql() + " WHERE 1 = 0")) {
                ResultSetMetaData meta = rs.getMetaData();
                Set<String> names = new HashSet<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    String name = meta.getColumnName(i).toLowerCase(Locale.ROOT);
                    names.add(name);
                    if (name.equals(Columns.SEQUENCE_NUMBER)) {
                        checkSequenceType(meta, i);
                    }
                }
                return names;
            }
        } catch (SQLException e) {
            rollbackIfInTransaction(c);
            throw e;
        }
    }

    /**
     * Kinesis sequence numbers have up to 128 digits: an integer or floating-point column would
     * overflow or round them.
     */
    private void checkSequenceType(ResultSetMetaData meta, int column) throws SQLException {
        int type = meta.getColumnType(column);
        boolean decimal = type == Types.NUMERIC || type == Types.DECIMAL;
        int precision = meta.getPrecision(column);
        if (decimal && meta.getScale(column) <= 0 && (precision <= 0 || precision >= 56)) {
            return;
        }
        if (!decimal && !isNumericType(type)) {
            return;
        }
        throw new SQLException(
                "column "
                        + Columns.SEQUENCE_NUMBER
                        + " of table "
                        + table
                        + " is "
                        + meta.getColumnTypeName(column)
                        + (decimal ? "(" + precision + "," + meta.getScale(column) + ")" : "")
                        + ", which cannot hold Kinesis sequence numbers (up to 128 digits); it must"
                        + " be an exact decimal as in: "
                        + dialect.createTable(table));
    }

    private static boolean isNumericType(int type) {
        return type == Types.TINYINT
                || type == Types.SMALLINT
                || type == Types.INTEGER
                || type == Types.BIGINT
                || type == Types.REAL
                || type == Types.FLOAT
                || type == Types.DOUBLE;
    }

    /** Runs DDL; a failure other than a broken connection is returned, not thrown. */
    private SQLException executeDdl(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.setQueryTimeout(queryTimeoutSeconds);
            s.execute(sql);
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return null;
        } catch (SQLException e) {
            if (JdbcSupport.isConnectionFailure(e)) {
                throw e;
            }
            rollbackIfInTransaction(c);
            LOG.debug("{}: {} failed: {}", owner, sql, JdbcCheckpointStore.describe(e));
            return e;
        }
    }

    private static void rollbackIfInTransaction(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.rollback();
        }
    }
}
