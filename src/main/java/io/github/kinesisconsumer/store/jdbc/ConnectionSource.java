package io.github.kinesisconsumer.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** Where a JDBC store gets its connections: the user's pool, or a small one of its own. */
interface ConnectionSource extends AutoCloseable {

    /** A connection for one operation; give it back with {@link #release} or {@link #discard}. */
    Connection acquire() throws SQLException;

    /** Whether {@code connection} was used before (it may have gone stale since). */
    boolean wasReused(Connection connection);

    /** Returns a healthy connection after use. */
    void release(Connection connection);

    /** Drops a connection that failed; the next {@link #acquire} connects again. */
    void discard(Connection connection);

    @Override
    void close();
}
