package io.github.kinesisconsumer.store.jdbc;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import javax.sql.DataSource;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;

/**
 * Settings shared by the JDBC checkpoint stores. Give either {@link #dataSource} (a pool you own
 * and close) or {@link #jdbcUrl} (the store then keeps a few connections of its own, and reconnects
 * after a connection fails).
 *
 * @param <B> the concrete builder
 * @param <S> the store it builds
 */
@PublicEvolving
public abstract class JdbcCheckpointStoreBuilder<
        B extends JdbcCheckpointStoreBuilder<B, S>, S extends JdbcCheckpointStore> {

    /** The table name used when none is given. */
    public static final String DEFAULT_TABLE_NAME = "kinesis_checkpoints";

    private static final int MAX_IDLE_CONNECTIONS = 4;

    private DataSource dataSource;
    private String jdbcUrl;
    private String user;
    private String password;
    private TableName tableName = TableName.parse(DEFAULT_TABLE_NAME);
    private boolean createTable;
    private Duration queryTimeout = Duration.ofSeconds(30);

    JdbcCheckpointStoreBuilder() {}

    abstract SqlDialect dialect();

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Connections come from this pool; the store never closes it. */
    public B dataSource(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        return self();
    }

    /**
     * The store connects with {@link java.sql.DriverManager} to this URL. Timeouts that the URL
     * does not set default to 10 s to connect and 60 s per socket read.
     */
    public B jdbcUrl(String jdbcUrl) {
        this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        return self();
    }

    /** The database user, with {@link #jdbcUrl}. */
    public B user(String user) {
        this.user = user;
        return self();
    }

    /** The database password, with {@link #jdbcUrl}. */
    public B password(String password) {
        this.password = password;
        return self();
    }

    /**
     * The checkpoint table, {@value #DEFAULT_TABLE_NAME} by default: an identifier matching {@code
     * [A-Za-z_][A-Za-z0-9_]{0,62}}, optionally qualified as {@code schema.table}. The name is used
     * unquoted, so the database folds its case as it does for harlow/kinesis-consumer.
     *
     * @throws IllegalArgumentException if the name is not such an identifier
     */
    public B tableName(String tableName) {
        this.tableName = TableName.parse(tableName);
        return self();
    }

    /**
     * Whether the store creates the table if it is missing, and adds the columns {@code
     * sub_sequence_number} and {@code finished} to a table that lacks them (one created by
     * harlow/kinesis-consumer). Off by default: the table must exist, and without those columns the
     * store keeps only sequence numbers.
     */
    public B createTable(boolean createTable) {
        this.createTable = createTable;
        return self();
    }

    /** How long one statement may run; zero for no limit. 30 s by default. */
    public B queryTimeout(Duration queryTimeout) {
        if (queryTimeout.isNegative()) {
            throw new IllegalArgumentException("queryTimeout must not be negative");
        }
        this.queryTimeout = queryTimeout;
        return self();
    }

    /** Builds the store; it connects on first use. */
    public abstract S build();

    TableName table() {
        return tableName;
    }

    boolean createTableEnabled() {
        return createTable;
    }

    int queryTimeoutSeconds() {
        long seconds = queryTimeout.toSeconds();
        if (seconds == 0 && !queryTimeout.isZero()) {
            return 1;
        }
        return (int) Math.min(Integer.MAX_VALUE, seconds);
    }

    ConnectionSource connections() {
        SqlDialect dialect = dialect();
        if ((dataSource == null) == (jdbcUrl == null)) {
            throw new IllegalArgumentException(
                    "set exactly one of dataSource(...) and jdbcUrl(...)");
        }
        if (dataSource != null) {
            if (user != null || password != null) {
                throw new IllegalArgumentException(
                        "user and password go with jdbcUrl(...); a DataSource has its own");
            }
            return new DataSourceConnections(dataSource);
        }
        if (dialect.urlPrefixes().stream().noneMatch(jdbcUrl::startsWith)) {
            throw new IllegalArgumentException(
                    "not a "
                            + dialect.displayName()
                            + " JDBC URL: it must start with "
                            + String.join(" or ", dialect.urlPrefixes()));
        }
        loadDriver(dialect.driverClassName());
        Properties properties = new Properties();
        String lowerUrl = jdbcUrl.toLowerCase(Locale.ROOT);
        dialect.connectionDefaults()
                .forEach(
                        (k, v) -> {
                            String key = ((String) k).toLowerCase(Locale.ROOT);
                            if (!lowerUrl.contains("?" + key + "=")
                                    && !lowerUrl.contains("&" + key + "=")) {
                                properties.setProperty((String) k, (String) v);
                            }
                        });
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        return new DriverManagerConnections(jdbcUrl, properties, MAX_IDLE_CONNECTIONS);
    }

    private static void loadDriver(String className) {
        try {
            Class.forName(className, true, JdbcCheckpointStoreBuilder.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            // DriverManager may still find a driver registered by another class loader
        }
    }
}
