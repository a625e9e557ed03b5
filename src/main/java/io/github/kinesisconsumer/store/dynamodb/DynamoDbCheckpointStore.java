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
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.regex.Pattern;

import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.EXACT_SEQUENCE_NUMBER;
import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.FINISHED;
import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.NAMESPACE;
import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.POSITION_KEY;
import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.SEQUENCE_NUMBER;
import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.SHARD_ID;
import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.SUB_SEQUENCE_NUMBER;
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

    private static final int MAX_CONFLICTS = 10;
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

        Semaphore permits = new Semaphore(maxConcurrentWrites);
        Map<String, Throwable> failures = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> writes = new ArrayList<>(batch.size());
        try {
            for (Map.Entry<String, Checkpoint> e : batch.entrySet()) {
                String shardId = e.getKey();
                permits.acquire();
                CompletableFuture<Void> write;
                try {
                    write = put(namespace, shardId, e.getValue(), positions.get(shardId), 0);
                } catch (RuntimeException ex) {
                    write = CompletableFuture.failedFuture(ex);
                }
                writes.add(
                        write.handle(
                                (ok, error) -> {
                                    permits.release();
                                    if (error != null) {
                                        failures.put(shardId, unwrap(error));
                                    }
                                    return null;
                                }));
            }
            CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CheckpointStoreException(
                    where() + ": interrupted while writing checkpoints", e);
        } catch (ExecutionException e) {
            throw translate(e.getCause(), "PutItem");
        }
        if (!failures.isEmpty()) {
            throw batchFailure(namespace, batch.size(), failures);
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

    /**
     * Writes {@code checkpoint} if it is after the stored one. {@code conflicts} counts the times
     * the item changed between reading and writing it.
     */
    private CompletableFuture<Void> put(
            String namespace,
            String shardId,
            Checkpoint checkpoint,
            String position,
            int conflicts) {
        return conditionalWrite(namespace, shardId, checkpoint, position)
                .handle(
                        (response, error) -> {
                            if (error == null) {
                                return CompletableFuture.<Void>completedFuture(null);
                            }
                            Throwable cause = unwrap(error);
                            if (!(cause instanceof ConditionalCheckFailedException)) {
                                return CompletableFuture.<Void>failedFuture(cause);
                            }
                            ConditionalCheckFailedException failed =
                                    (ConditionalCheckFailedException) cause;
                            return afterConflict(
                                    namespace,
                                    shardId,
                                    checkpoint,
                                    position,
                                    conflicts,
                                    failed.hasItem() ? failed.item() : null);
                        })
                .thenCompose(Function.identity());
    }

    /**
     * Writes the item if the stored one is older by {@code position_key}. A position inside an
     * aggregate with no whole record known before it keeps the stored {@code sequence_number}.
     */
    private CompletableFuture<?> conditionalWrite(
            String namespace, String shardId, Checkpoint checkpoint, String position) {
        String condition = "attribute_not_exists(#shard) OR #pos < :pos";
        if (checkpoint.wholeRecordSequence() != null) {
            return client.putItem(
                    PutItemRequest.builder()
                            .tableName(tableName)
                            .item(
                                    item(
                                            namespace,
                                            shardId,
                                            checkpoint,
                                            position,
                                            checkpoint.wholeRecordSequence()))
                            .conditionExpression(condition)
                            .expressionAttributeNames(
                                    Map.of("#shard", SHARD_ID, "#pos", POSITION_KEY))
                            .expressionAttributeValues(Map.of(":pos", text(position)))
                            .returnValuesOnConditionCheckFailure(
                                    ReturnValuesOnConditionCheckFailure.ALL_OLD)
                            .build());
        }
        Map<String, String> names = new HashMap<>();
        names.put("#shard", SHARD_ID);
        names.put("#pos", POSITION_KEY);
        names.put("#seq", SEQUENCE_NUMBER);
        names.put("#exact", EXACT_SEQUENCE_NUMBER);
        names.put("#sub", SUB_SEQUENCE_NUMBER);
        names.put("#fin", FINISHED);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":pos", text(position));
        values.put(":exact", text(checkpoint.sequenceNumber()));
        values.put(":sub", AttributeValue.fromN(Long.toString(checkpoint.subSequenceNumber())));
        values.put(":fin", AttributeValue.fromBool(checkpoint.isFinished()));
        return client.updateItem(
                UpdateItemRequest.builder()
                        .tableName(tableName)
                        .key(key(namespace, shardId))
                        .updateExpression(
                                "SET #seq = if_not_exists(#seq, :exact), #exact = :exact,"
                                        + " #sub = :sub, #fin = :fin, #pos = :pos")
                        .conditionExpression(condition)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values)
                        .returnValuesOnConditionCheckFailure(
                                ReturnValuesOnConditionCheckFailure.ALL_OLD)
                        .build());
    }

    /**
     * The conditional write failed: the stored item is newer, or was written without {@code
     * position_key}, or changed since it was read. {@code stored} is the item the condition saw, or
     * null if the server did not return it.
     */
    private CompletableFuture<Void> afterConflict(
            String namespace,
            String shardId,
            Checkpoint checkpoint,
            String position,
            int conflicts,
            Map<String, AttributeValue> stored) {
        CompletableFuture<Map<String, AttributeValue>> current =
                stored != null && !stored.isEmpty()
                        ? CompletableFuture.completedFuture(stored)
                        : client.getItem(
                                        GetItemRequest.builder()
                                                .tableName(tableName)
                                                .key(key(namespace, shardId))
                                                .consistentRead(true)
                                                .build())
                                .thenApply(r -> r.item());
        return current.thenCompose(
                item -> {
                    if (item == null || item.isEmpty()) {
                        return retry(namespace, shardId, checkpoint, position, conflicts);
                    }
                    Checkpoint existing = parse(item, namespace, shardId, where());
                    if (!checkpoint.isAfter(existing)) {
                        LOG.debug(
                                "{}: kept {} of {} shard {}, not replaced by {}",
                                where(),
                                existing,
                                namespace,
                                shardId,
                                checkpoint);
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    if (item.containsKey(POSITION_KEY)) {
                        return retry(namespace, shardId, checkpoint, position, conflicts);
                    }
                    return replaceUnordered(
                            namespace,
                            shardId,
                            checkpoint,
                            position,
                            conflicts,
                            item.get(SEQUENCE_NUMBER));
                });
    }

    /**
     * Replaces an item without {@code position_key} that holds an older checkpoint, if it still
     * holds {@code seenSequence}.
     */
    private CompletableFuture<Void> replaceUnordered(
            String namespace,
            String shardId,
            Checkpoint checkpoint,
            String position,
            int conflicts,
            AttributeValue seenSequence) {
        PutItemRequest request =
                PutItemRequest.builder()
                        .tableName(tableName)
                        .item(
                                item(
                                        namespace,
                                        shardId,
                                        checkpoint,
                                        position,
                                        checkpoint.wholeRecordSequence() != null
                                                ? checkpoint.wholeRecordSequence()
                                                : seenSequence.s() != null
                                                        ? seenSequence.s()
                                                        : seenSequence.n()))
                        .conditionExpression("attribute_not_exists(#pos) AND #seq = :seen")
                        .expressionAttributeNames(
                                Map.of("#pos", POSITION_KEY, "#seq", SEQUENCE_NUMBER))
                        .expressionAttributeValues(Map.of(":seen", seenSequence))
                        .build();
        return client.putItem(request)
                .handle(
                        (response, error) -> {
                            if (error == null) {
                                LOG.debug(
                                        "{}: replaced {} shard {} written without position_key",
                                        where(),
                                        namespace,
                                        shardId);
                                return CompletableFuture.<Void>completedFuture(null);
                            }
                            Throwable cause = unwrap(error);
                            if (cause instanceof ConditionalCheckFailedException) {
                                return retry(namespace, shardId, checkpoint, position, conflicts);
                            }
                            return CompletableFuture.<Void>failedFuture(cause);
                        })
                .thenCompose(Function.identity());
    }

    private CompletableFuture<Void> retry(
            String namespace,
            String shardId,
            Checkpoint checkpoint,
            String position,
            int conflicts) {
        if (conflicts + 1 >= MAX_CONFLICTS) {
            return CompletableFuture.failedFuture(
                    new CheckpointStoreException(
                            where()
                                    + ": the item of "
                                    + namespace
                                    + " shard "
                                    + shardId
                                    + " changed during each of "
                                    + MAX_CONFLICTS
                                    + " attempts to write "
                                    + checkpoint));
        }
        return put(namespace, shardId, checkpoint, position, conflicts + 1);
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

    private static String problem(Throwable cause, String operation) {
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

    private CheckpointStoreException batchFailure(
            String namespace, int total, Map<String, Throwable> failures) {
        List<String> shards = new ArrayList<>(new TreeMap<>(failures).keySet());
        String first = shards.get(0);
        Throwable firstError = failures.get(first);
        int shown = Math.min(shards.size(), 10);
        StringBuilder message =
                new StringBuilder(where())
                        .append(": writing checkpoints failed for ")
                        .append(shards.size())
                        .append(" of ")
                        .append(total)
                        .append(" shards of namespace '")
                        .append(namespace)
                        .append("' ")
                        .append(shards.subList(0, shown));
        if (shards.size() > shown) {
            message.append(" and ").append(shards.size() - shown).append(" more");
        }
        message.append("; first error (shard ")
                .append(first)
                .append("): ")
                .append(problem(firstError, "PutItem"));
        CheckpointStoreException e = new CheckpointStoreException(message.toString(), firstError);
        for (String shard : shards.subList(1, shown)) {
            e.addSuppressed(failures.get(shard));
        }
        return e;
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
