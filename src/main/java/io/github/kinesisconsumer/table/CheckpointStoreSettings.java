package io.github.kinesisconsumer.table;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreFactory;
import io.github.kinesisconsumer.store.dynamodb.DynamoDbCheckpointStore;
import io.github.kinesisconsumer.store.jdbc.MySqlCheckpointStore;
import io.github.kinesisconsumer.store.jdbc.PostgresCheckpointStore;
import io.github.kinesisconsumer.store.redis.RedisCheckpointStore;

import javax.annotation.Nullable;

/**
 * The checkpoint store a table's options describe; a serializable recipe that builds the store
 * where the source needs it.
 */
final class CheckpointStoreSettings implements CheckpointStoreFactory {

    private static final long serialVersionUID = 1L;

    private final StoreType type;
    @Nullable private final String url;
    @Nullable private final String user;
    @Nullable private final String password;
    private final String table;
    private final boolean createTable;
    @Nullable private final ClientSettings dynamoDbSettings;

    CheckpointStoreSettings(
            StoreType type,
            @Nullable String url,
            @Nullable String user,
            @Nullable String password,
            String table,
            boolean createTable,
            @Nullable ClientSettings dynamoDbSettings) {
        this.type = type;
        this.url = url;
        this.user = user;
        this.password = password;
        this.table = table;
        this.createTable = createTable;
        this.dynamoDbSettings = dynamoDbSettings;
    }

    public StoreType type() {
        return type;
    }

    @Nullable
    public String url() {
        return url;
    }

    public String table() {
        return table;
    }

    /** The DynamoDB client settings (type dynamodb), else null. */
    @Nullable
    public ClientSettings dynamoDbSettings() {
        return dynamoDbSettings;
    }

    @Override
    public CheckpointStore create() {
        switch (type) {
            case POSTGRES:
                return PostgresCheckpointStore.builder()
                        .jdbcUrl(url)
                        .user(user)
                        .password(password)
                        .tableName(table)
                        .createTable(createTable)
                        .build();
            case MYSQL:
                return MySqlCheckpointStore.builder()
                        .jdbcUrl(url)
                        .user(user)
                        .password(password)
                        .tableName(table)
                        .createTable(createTable)
                        .build();
            case REDIS:
                return RedisCheckpointStore.builder().url(url).build();
            case DYNAMODB:
                return DynamoDbCheckpointStore.builder()
                        .tableName(table)
                        .clientSettings(dynamoDbSettings)
                        .createTable(createTable)
                        .build();
            default:
                throw new IllegalStateException("unknown store type " + type);
        }
    }

    @Override
    public String toString() {
        return type.value() + (url != null ? " " + url : "") + " table " + table;
    }
}
