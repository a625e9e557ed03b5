package io.github.kinesisconsumer.store.jdbc;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;

/** Classifies SQL errors for the retry rules of the JDBC stores. */
final class JdbcSupport {

    private JdbcSupport() {}

    /** The connection broke (network, server restart): a fresh connection may succeed. */
    static boolean isConnectionFailure(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLRecoverableException
                    || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException) {
                String state = ((SQLException) t).getSQLState();
                if (state != null && state.startsWith("08")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A deadlock, serialization failure or lock wait timeout: the same statement may succeed. */
    static boolean isConflict(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransactionRollbackException
                || (state != null && state.startsWith("40"))
                || e.getErrorCode() == 1213
                || e.getErrorCode() == 1205;
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing left to do with a connection that cannot even be closed
        }
    }
}
