package io.github.kinesisconsumer.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A minimal pool over {@link DriverManager}: idle connections are reused (at most {@code maxIdle}
 * of them), a connection that failed is closed, and the next request connects again.
 */
final class DriverManagerConnections implements ConnectionSource {

    private final String url;
    private final Properties properties;
    private final int maxIdle;
    private final Deque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final Set<Connection> reused =
            Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    private volatile boolean closed;

    DriverManagerConnections(String url, Properties properties, int maxIdle) {
        this.url = url;
        this.properties = properties;
        this.maxIdle = maxIdle;
    }

    @Override
    public Connection acquire() throws SQLException {
        if (closed) {
            throw new IllegalStateException("the checkpoint store is closed");
        }
        Connection c = idle.pollFirst();
        if (c != null) {
            reused.add(c);
            return c;
        }
        return DriverManager.getConnection(url, properties);
    }

    @Override
    public boolean wasReused(Connection connection) {
        return reused.contains(connection);
    }

    @Override
    public void release(Connection connection) {
        reused.remove(connection);
        if (closed || idle.size() >= maxIdle) {
            JdbcSupport.closeQuietly(connection);
            return;
        }
        idle.offerFirst(connection);
        if (closed && idle.remove(connection)) {
            JdbcSupport.closeQuietly(connection);
        }
    }

    @Override
    public void discard(Connection connection) {
        reused.remove(connection);
        JdbcSupport.closeQuietly(connection);
    }

    @Override
    public void close() {
        closed = true;
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            JdbcSupport.closeQuietly(c);
        }
    }
}
