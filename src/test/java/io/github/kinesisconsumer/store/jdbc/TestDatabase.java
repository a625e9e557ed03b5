package io.github.kinesisconsumer.store.jdbc;

import java.net.InetSocketAddress;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** A real database server for the JDBC store tests; environment variables override the defaults. */
final class TestDatabase {

    private final String url;
    private final String user;
    private final String password;
    private final String timeoutParameters;

    private TestDatabase(String url, String user, String password, String timeoutParameters) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.timeoutParameters = timeoutParameters;
    }

    static TestDatabase postgres() {
        return new TestDatabase(
                env("KC_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test"),
                env("KC_PG_USER", "postgres"),
                env("KC_PG_PASSWORD", ""),
                "connectTimeout=5&socketTimeout=5");
    }

    static TestDatabase mysql() {
        return new TestDatabase(
                env("KC_MYSQL_URL", "jdbc:mysql://127.0.0.1:3306/test"),
                env("KC_MYSQL_USER", "root"),
                env("KC_MYSQL_PASSWORD", ""),
                "connectTimeout=5000&socketTimeout=5000");
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    String url() {
        return url;
    }

    /** The URL pointed at another host and port, with short timeouts. */
    String urlAt(String host, int port) {
        URI uri = uri();
        String query = uri.getRawQuery();
        return "jdbc:"
                + uri.getScheme()
                + "://"
                + host
                + ":"
                + port
                + uri.getRawPath()
                + "?"
                + (query == null ? "" : query + "&")
                + timeoutParameters;
    }

    InetSocketAddress address() {
        URI uri = uri();
        return InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort());
    }

    private URI uri() {
        return URI.create(url.substring("jdbc:".length()));
    }

    <B extends JdbcCheckpointStoreBuilder<B, ?>> B configure(B builder) {
        return configure(builder, url);
    }

    <B extends JdbcCheckpointStoreBuilder<B, ?>> B configure(B builder, String jdbcUrl) {
        return builder.jdbcUrl(jdbcUrl).user(user).password(password);
    }

    Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return DriverManager.getConnection(url, p);
    }

    void execute(String... statements) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
