package io.github.kinesisconsumer.store.dynamodb;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.Credentials;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointKey;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.NAMESPACE;
import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.SHARD_ID;
import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.item;
import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.key;
import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.parse;
import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.positionKey;
import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.text;

/**
 * Checkpoints in a DynamoDB table, in the layout of harlow/kinesis-consumer: hash key {@code
 * namespace} (S) = {@code <appName>-<streamName>}, range key {@code shard_id} (S), attribute {@code
 * sequence_number} (S). A table written by the Go library reads as is, and the Go library reads
 * ours.
 *
 * <p>Extra attributes: {@code exact_sequence_number} (S), {@code sub_sequence_number} (N, -1 when
 * none), {@code finished} (BOOL) and {@code position_key} (S). Inside a KPL aggregate {@code
 * sequence_number} keeps the last record read whole (or, when that is unknown, the value stored
 * before), so that the Go library, which resumes after whole records, loses nothing, while {@code
 * exact_sequence_number} holds the aggregate's. {@code position_key} is a text whose order is the
 * order of the checkpoints (the sequence number zero-padded to 130 digits, the sub-sequence number
 * plus one zero-padded to 20 digits, and 1 or 0 for finished, separated by colons). Every write is
 * a PutItem conditional on {@code position_key}, so no writer in any process can move a shard
 * backwards. An item without {@code position_key} (written by the Go library) is compared after
 * reading it and replaced only if it is unchanged since.
 *
 * <p>{@link #putAll} sends its conditional writes concurrently (DynamoDB has no conditional batch
 * write). A write that is not newer than the stored checkpoint is skipped, not an error. Any
 * failure to reach or use the table is a {@link CheckpointStoreException} naming the table.
 *
 * <pre>{@code
 * CheckpointStore store = DynamoDbCheckpointStore.builder()
 *     .tableName("kinesis-checkpoints")
 *     .region("eu-west-1")
 *     .createTable(true)
 *     .build();
 * }</pre>
 */
@PublicEvolving
public final class DynamoDbCheckpointStore implements CheckpointStore {

    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbCheckpointStore.class);

    /** Default number of conditional writes of one {@link #putAll} in flight at once. */
    public static final int DEFAULT_MAX_CONCURRENT_WRITES = 64;

    private static final Duration TABLE_ACTIVE_TIMEOUT = Duration.ofMinutes(5);
    private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z0-9_.-]{3,255}");
    private static final String TABLE_NAME_RULE =
            "DynamoDB table names are 3 to 255 characters of a-z, A-Z, 0-9, '_', '-' and '.'";

    private final DynamoDbAsyncClient client;
    private final AutoCloseable owned;
    private final String tableName;
    private final int maxConcurrentWrites;
    private final String location;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CheckpointWriter writer;

    private DynamoDbCheckpointStore(
            DynamoDbAsyncClient client,
            AutoCloseable owned,
            String tableName,
            int maxConcurrentWrites) {
        this.client = client;
        this.owned = owned;
        this.tableName = tableName;
        this.maxConcurrentWrites = maxConcurrentWrites;
        this.location = describe(client);
        this.writer = new CheckpointWriter(client, tableName, where());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The name of the table. */
    public String tableName() {
        return tableName;
    }

    @Override
    public Optional<Checkpoint> get(CheckpointKey key) {
        ensureOpen();
        String namespace = key.namespace();
        Map<String, AttributeValue> item =
                await(
                                () ->
                                        client.getItem(
                                                GetItemRequest.builder()
                                                        .tableName(tableName)
                                                        .key(key(namespace, key.shardId()))
                                                        .consistentRead(true)
                                                        .build()),
                                "GetItem of " + key)
                        .item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(parse(item, namespace, key.shardId(), where()));
    }

    @Override
    public Map<String, Checkpoint> getAll(String appName, String streamName) {
        ensureOpen();
        String namespace = CheckpointKey.namespace(appName, streamName);
        Map<String, Checkpoint> out = new HashMap<>();
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> from = startKey;
            QueryResponse page =
                    await(
                            () ->
                                    client.query(
                                            QueryRequest.builder()
                                                    .tableName(tableName)
                                                    .keyConditionExpression("#ns = :ns")
                                                    .expressionAttributeNames(
                                                            Map.of("#ns", NAMESPACE))
                                                    .expressionAttributeValues(
                                                            Map.of(":ns", text(namespace)))
                                                    .consistentRead(true)
                                                    .exclusiveStartKey(from)
                                                    .build()),
                            "Query of namespace '" + namespace + "'");
            for (Map<String, AttributeValue> item : page.items()) {
                AttributeValue shard = item.get(SHARD_ID);
                if (shard == null || shard.s() == null) {
                    throw new CheckpointStoreException(
                            where()
                                    + " holds an item without a text shard_id in namespace '"
                                    + namespace
                                    + "'");
                }
                out.put(shard.s(), parse(item, namespace, shard.s(), where()));
            }
            startKey = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
        } while (startKey != null && !startKey.isEmpty());
        return out;
    }

    @Override
    public void putAll(String appName, String streamName, Map<String, Checkpoint> checkpoints) {
        ensureOpen();
        Objects.requireNonNull(checkpoints, "checkpoints");
        if (checkpoints.isEmpty()) {
            return;
        }
        String namespace = CheckpointKey.namespace(appName, streamName);
        Map<String, Checkpoint> batch = new TreeMap<>();
        Map<String, String> positions = new HashMap<>();
        checkpoints.forEach(
                (shardId, checkpoint) -> {
                    new CheckpointKey(appName, streamName, shardId);
                    Objects.requireNonNull(checkpoint, () -> "checkpoint of shard " + shardId);
                    batch.put(shardId, checkpoint);
                    positions.put(shardId, positionKey(checkpoint));
                });

        try {
            writer.writeAll(namespace, batch, positions, maxConcurrentWrites);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CheckpointStoreException(
                    where() + ": interrupted while writing checkpoints", e);
        } catch (ExecutionException e) {
            throw translate(e.getCause(), "PutItem");
        }
    }

    @Override
    public void delete(CheckpointKey key) {
        ensureOpen();
        await(
                () ->
                        client.deleteItem(
                                DeleteItemRequest.builder()
                                        .tableName(tableName)
                                        .key(key(key.namespace(), key.shardId()))
                                        .build()),
                "DeleteItem of " + key);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                LOG.warn("Closing the client of {} failed", where(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "DynamoDbCheckpointStore{table=" + tableName + ", " + location + "}";
    }

    private <T> T await(java.util.function.Supplier<CompletableFuture<T>> call, String operation) {
        try {
            return call.get().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CheckpointStoreException(where() + ": interrupted during " + operation, e);
        } catch (ExecutionException e) {
            throw translate(e.getCause(), operation);
        } catch (RuntimeException e) {
            throw translate(e, operation);
        }
    }

    private CheckpointStoreException translate(Throwable error, String operation) {
        Throwable cause = unwrap(error);
        if (cause instanceof CheckpointStoreException) {
            return (CheckpointStoreException) cause;
        }
        return new CheckpointStoreException(where() + ": " + problem(cause, operation), cause);
    }

    static String problem(Throwable cause, String operation) {
        if (cause instanceof CheckpointStoreException) {
            return cause.getMessage();
        }
        if (cause instanceof ResourceNotFoundException) {
            return "the table does not exist ("
                    + operation
                    + " failed: "
                    + cause.getMessage()
                    + "). Create it with hash key 'namespace' (S) and range key 'shard_id' (S),"
                    + " or build the store with createTable(true)";
        }
        return operation + " failed: " + cause.getMessage();
    }

    /** The cause inside completion and execution wrappers. */
    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private String where() {
        return "DynamoDB table '" + tableName + "'" + (location.isEmpty() ? "" : " at " + location);
    }

    private static String describe(DynamoDbAsyncClient client) {
        try {
            var config = client.serviceClientConfiguration();
            String endpoint = config.endpointOverride().map(Object::toString).orElse(null);
            String region = config.region() == null ? null : config.region().id();
            if (endpoint != null) {
                return endpoint + (region == null ? "" : " (region " + region + ")");
            }
            return region == null ? "" : "region " + region;
        } catch (RuntimeException e) {
            return "";
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private void createTableIfMissing() {
        TableDescription table =
                await(
                        () ->
                                DynamoDbTables.createIfMissing(
                                        client,
                                        tableName,
                                        NAMESPACE,
                                        SHARD_ID,
                                        TABLE_ACTIVE_TIMEOUT),
                        "CreateTable");
        checkKeySchema(table);
        LOG.info("{} is ACTIVE", where());
    }

    private void checkKeySchema(TableDescription table) {
        Map<KeyType, String> keys = new HashMap<>();
        for (KeySchemaElement k : table.keySchema()) {
            keys.put(k.keyType(), k.attributeName());
        }
        if (!NAMESPACE.equals(keys.get(KeyType.HASH))
                || !SHARD_ID.equals(keys.get(KeyType.RANGE))) {
            throw new CheckpointStoreException(
                    where()
                            + " has key schema "
                            + table.keySchema()
                            + ", but a checkpoint table needs hash key 'namespace' (S) and range"
                            + " key 'shard_id' (S); use another table name");
        }
    }

    /**
     * Builder for {@link DynamoDbCheckpointStore}. Give the table name and either a client or the
     * settings to build one ({@link #clientSettings}, or {@link #region}, {@link #endpoint} and
     * {@link #credentials}).
     */
    public static final class Builder {
        private String tableName;
        private DynamoDbAsyncClient client;
        private ClientSettings.Builder settings;
        private boolean createTable;
        private int maxConcurrentWrites = DEFAULT_MAX_CONCURRENT_WRITES;
        private Duration apiCallAttemptTimeout =
                DynamoDbClientFactory.DEFAULT_API_CALL_ATTEMPT_TIMEOUT;
        private Duration apiCallTimeout = DynamoDbClientFactory.DEFAULT_API_CALL_TIMEOUT;

        private Builder() {}

        /** The table: 3 to 255 characters of a-z, A-Z, 0-9, '_', '-' and '.'. Required. */
        public Builder tableName(String tableName) {
            this.tableName = tableName;
            return this;
        }

        /**
         * A client to use instead of building one. The store does not close it; its own timeouts
         * and retries apply.
         */
        public Builder client(DynamoDbAsyncClient client) {
            this.client = client;
            return this;
        }

        /**
         * Region, endpoint, credentials, connection limit and connect timeout of the client the
         * store builds (and closes). Later {@link #region}, {@link #endpoint} and {@link
         * #credentials} calls override these.
         */
        public Builder clientSettings(ClientSettings clientSettings) {
            this.settings = Objects.requireNonNull(clientSettings, "clientSettings").toBuilder();
            return this;
        }

        /** AWS region of the table, e.g. {@code eu-west-1}. */
        public Builder region(String region) {
            settings().region(region);
            return this;
        }

        /** Endpoint override, e.g. {@code http://127.0.0.1:8000} for DynamoDB Local. */
        public Builder endpoint(String endpoint) {
            settings().endpoint(endpoint);
            return this;
        }

        /** Credentials; the SDK's default chain when not set. */
        public Builder credentials(Credentials credentials) {
            settings().credentials(credentials);
            return this;
        }

        /**
         * Whether {@link #build()} creates the table (on-demand capacity) if it does not exist and
         * waits until it is ACTIVE. Off by default: a missing table then fails each call with a
         * {@link CheckpointStoreException}.
         */
        public Builder createTable(boolean createTable) {
            this.createTable = createTable;
            return this;
        }

        /** How many conditional writes of one {@code putAll} are in flight at once (64). */
        public Builder maxConcurrentWrites(int maxConcurrentWrites) {
            this.maxConcurrentWrites = maxConcurrentWrites;
            return this;
        }

        /** Timeout of one HTTP attempt of the client the store builds (5 s). */
        public Builder apiCallAttemptTimeout(Duration apiCallAttemptTimeout) {
            this.apiCallAttemptTimeout = apiCallAttemptTimeout;
            return this;
        }

        /** Timeout of a whole call, retries included, of the client the store builds (15 s). */
        public Builder apiCallTimeout(Duration apiCallTimeout) {
            this.apiCallTimeout = apiCallTimeout;
            return this;
        }

        private ClientSettings.Builder settings() {
            if (settings == null) {
                settings = ClientSettings.builder();
            }
            return settings;
        }

        /**
         * Validates the settings and builds the store; with {@link #createTable(boolean)
         * createTable(true)} also creates the table.
         *
         * @throws IllegalArgumentException for an invalid table name or settings
         * @throws CheckpointStoreException if the table cannot be created or checked
         */
        public DynamoDbCheckpointStore build() {
            validateTableName(tableName);
            if (maxConcurrentWrites < 1) {
                throw new IllegalArgumentException(
                        "maxConcurrentWrites must be >= 1, but was " + maxConcurrentWrites);
            }
            if (client != null && settings != null) {
                throw new IllegalArgumentException(
                        "set either client(...) or the settings to build one (clientSettings,"
                                + " region, endpoint, credentials), not both");
            }
            if (client == null && settings == null) {
                throw new IllegalArgumentException(
                        "a DynamoDB client is required: set region(\"...\") (and endpoint for"
                                + " DynamoDB Local), clientSettings(...) or client(...)");
            }
            DynamoDbClientFactory.OwnedClient built =
                    client == null
                            ? DynamoDbClientFactory.create(
                                    settings.build(),
                                    apiCallAttemptTimeout,
                                    apiCallTimeout,
                                    DynamoDbClientFactory.DEFAULT_MAX_ATTEMPTS)
                            : null;
            DynamoDbCheckpointStore store =
                    new DynamoDbCheckpointStore(
                            built == null ? client : built.client(),
                            built,
                            tableName,
                            maxConcurrentWrites);
            if (createTable) {
                try {
                    store.createTableIfMissing();
                } catch (RuntimeException e) {
                    store.close();
                    throw e;
                }
            }
            return store;
        }

        static void validateTableName(String tableName) {
            if (tableName == null) {
                throw new IllegalArgumentException(
                        "tableName is required (" + TABLE_NAME_RULE + ")");
            }
            if (!TABLE_NAME.matcher(tableName).matches()) {
                throw new IllegalArgumentException(
                        "invalid table name '" + tableName + "': " + TABLE_NAME_RULE);
            }
        }
    }
}
