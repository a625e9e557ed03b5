package io.github.kinesisconsumer.store.jdbc;

import javax.sql.DataSource;

import java.sql.Connection;
import java.sql.SQLException;

/** Connections from a user's {@link DataSource}; closing one hands it back to the user's pool. */
final class DataSourceConnections implements ConnectionSource {

    private final DataSource dataSource;

    DataSourceConnections(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Connection acquire() throws SQLException {
        return dataSource.getConnection();
    }

    @Override
    public boolean wasReused(Connection connection) {
        return true;
    }

    @Override
    public void release(Connection connection) {
        JdbcSupport.closeQuietly(connection);
    }

    @Override
    public void discard(Connection connection) {
        JdbcSupport.closeQuietly(connection);
    }

    /** The pool belongs to the user, who closes it. */
    @Override
    public void close() {}
}
