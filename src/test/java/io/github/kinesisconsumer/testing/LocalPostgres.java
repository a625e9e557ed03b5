package io.github.kinesisconsumer.testing;

import io.github.kinesisconsumer.store.jdbc.PostgresCheckpointStore;

/**
 * The PostgreSQL that {@code scripts/services.sh} runs (127.0.0.1, user postgres, database test;
 * the port from {@code KC_PG_PORT}, 5432 by default), and checkpoint stores on it, directly or
 * through a {@link TcpProxy}.
 */
public final class LocalPostgres {

    private LocalPostgres() {}

    /** The server's port. */
    public static int port() {
        String port = System.getenv("KC_PG_PORT");
        return port == null || port.isEmpty() ? 5432 : Integer.parseInt(port);
    }

    /**
     * A store in {@code table} (created if missing) reached on {@code port}, with 3-second connect
     * and socket timeouts, so an outage is noticed quickly.
     */
    public static PostgresCheckpointStore store(int port, String table) {
        return PostgresCheckpointStore.builder()
                .jdbcUrl(
                        "jdbc:postgresql://127.0.0.1:"
                                + port
                                + "/test?connectTimeout=3&socketTimeout=3")
                .user("postgres")
                .tableName(table)
                .createTable(true)
                .build();
    }
}
