package io.github.kinesisconsumer.migration;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStore;

import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Positions of a harlow/kinesis-consumer consumer group ({@code group/consumergroup/ddb}), which it
 * only reads. Such a group keeps two things in two places:
 *
 * <ul>
 *   <li>its <b>lease table</b> (key {@code namespace}, {@code shard_id}): per group and stream
 *       (namespace {@code <group>#<stream>}) a row {@code LEASE#<shard>} per shard with its owner,
 *       expiry, parents and {@code completed} (true once a worker read the shard to its end and
 *       closed it), next to {@code WORKER#<id>} heartbeat rows. These rows hold <i>no</i> sequence
 *       numbers;
 *   <li>its <b>checkpoint store</b> (Go's DynamoDB, Redis, PostgreSQL or MySQL store, which this
 *       library reads in the same layouts): the last sequence number processed per shard, under the
 *       store's application name, by default the group's name.
 * </ul>
 *
 * <p>So each shard's position comes from one of them: a lease marked {@code completed} is {@link
 * PriorPosition.Kind#SHARD_END} (from the lease table; the Go stores have no finished marker);
 * otherwise the checkpoint of the {@link CheckpointStore} given, as {@link
 * PriorPosition.Kind#AFTER_SEQUENCE} (sub-sequence -1 for the whole records the Go library
 * checkpoints; finished when the store itself says so). Shards the store has checkpoints for
 * without a lease row (read before the group existed) are included; a leased shard with neither a
 * checkpoint nor {@code completed} has no position (nothing was processed: it starts as any shard
 * without one, at the fallback, or at TRIM_HORIZON after a finished or read parent).
 *
 * <p>When this library's consumer will use the group's checkpoint store itself, the checkpoints are
 * already where it reads them; reading the group still adds the finished shards.
 */
@PublicEvolving
public final class GoGroupPositions implements PositionSource {

    static final String LEASE_PREFIX = "LEASE#";

    private final String leaseTable;
    private final String groupName;
    private final String streamName;
    private final CheckpointStore store;
    private final String storeAppName;
    private final ClientSettings settings;
    private final DynamoDbAsyncClient client;

    private GoGroupPositions(Builder b) {
        this.leaseTable = requireText(b.leaseTable, "leaseTable");
        this.groupName = requireText(b.groupName, "groupName");
        this.streamName = requireText(b.streamName, "streamName");
        if (b.store == null) {
            throw new IllegalArgumentException(
                    "checkpointStore must be set: the group's positions are in its checkpoint"
                            + " store, not in its lease table");
        }
        this.store = b.store;
        this.storeAppName = b.storeAppName == null ? groupName : b.storeAppName;
        if (b.settings == null && b.client == null) {
            throw new IllegalArgumentException(
                    "give the lease table's DynamoDB: dynamoDbSettings(..) or dynamoDbClient(..)");
        }
        this.settings = b.settings;
        this.client = b.client;
    }

    /** A builder; lease table, group, stream, checkpoint store and DynamoDB access are required. */
    public static Builder builder() {
        return new Builder();
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }

    private String namespace() {
        return groupName + "#" + streamName;
    }

    @Override
    public String description() {
        return "harlow/kinesis-consumer group '"
                + groupName
                + "' of stream '"
                + streamName
                + "' (lease table '"
                + leaseTable
                + "', checkpoints of application '"
                + storeAppName
                + "' in the store given)";
    }

    @Override
    public List<PriorPosition> read() {
        return LeaseTable.read(
                leaseTable, "lease table '" + leaseTable + "'", settings, client, this::readFrom);
    }

    private List<PriorPosition> readFrom(LeaseTable table) {
        checkKeySchema(
                table.keySchema(
                        "give the group's lease table (Go's Repository TableName), in the region"
                                + " the group ran in"));
        Map<String, Boolean> leases = leases(table);
        if (leases.isEmpty()) {
            throw new IllegalArgumentException(
                    "lease table '"
                            + leaseTable
                            + "' has no leases under '"
                            + namespace()
                            + "' (group#stream); it has "
                            + namespaces(table)
                            + ": give the group name (Go's GroupName, or AppName) and stream the"
                            + " group ran with");
        }
        Map<String, Checkpoint> stored = new TreeMap<>(store.getAll(storeAppName, streamName));
        Map<String, PriorPosition> out = new TreeMap<>();
        leases.forEach(
                (shardId, completed) -> {
                    if (completed) {
                        out.put(
                                shardId,
                                PriorPosition.sentinel(
                                        streamName, shardId, PriorPosition.Kind.SHARD_END));
                    }
                });
        stored.forEach(
                (shardId, checkpoint) -> {
                    if (out.containsKey(shardId)) {
                        return;
                    }
                    out.put(
                            shardId,
                            checkpoint.isFinished()
                                    ? PriorPosition.sentinel(
                                            streamName, shardId, PriorPosition.Kind.SHARD_END)
                                    : PriorPosition.after(
                                            streamName,
                                            shardId,
                                            checkpoint.sequenceNumber(),
                                            checkpoint.subSequenceNumber()));
                });
        return new ArrayList<>(out.values());
    }

    /** Shard id to {@code completed}, for the {@code LEASE#} rows of this group and stream. */
    private Map<String, Boolean> leases(LeaseTable table) {
        Map<String, Boolean> out = new TreeMap<>();
        table.query(
                r ->
                        r.consistentRead(true)
                                .keyConditionExpression("#ns = :ns AND begins_with(#sk, :prefix)")
                                .expressionAttributeNames(
                                        Map.of("#ns", "namespace", "#sk", "shard_id"))
                                .expressionAttributeValues(
                                        Map.of(":ns", s(namespace()), ":prefix", s(LEASE_PREFIX))),
                row -> {
                    String shardId = row.get("shard_id").s().substring(LEASE_PREFIX.length());
                    AttributeValue completed = row.get("completed");
                    out.put(shardId, completed != null && Boolean.TRUE.equals(completed.bool()));
                });
        return out;
    }

    private Set<String> namespaces(LeaseTable table) {
        Set<String> out = new TreeSet<>();
        table.scan(
                r ->
                        r.projectionExpression("#ns")
                                .expressionAttributeNames(Map.of("#ns", "namespace")),
                row -> {
                    AttributeValue ns = row.get("namespace");
                    if (ns != null && ns.s() != null) {
                        out.add(ns.s());
                    }
                });
        return out;
    }

    private void checkKeySchema(List<KeySchemaElement> keys) {
        boolean go =
                keys.size() == 2
                        && keys.stream()
                                .anyMatch(
                                        k ->
                                                k.keyType() == KeyType.HASH
                                                        && k.attributeName().equals("namespace"))
                        && keys.stream()
                                .anyMatch(
                                        k ->
                                                k.keyType() == KeyType.RANGE
                                                        && k.attributeName().equals("shard_id"));
        if (!go) {
            throw new IllegalArgumentException(
                    "table '"
                            + leaseTable
                            + "' is not a harlow/kinesis-consumer lease table: its key is "
                            + LeaseTable.attributeNames(keys)
                            + ", a group's lease table's is [namespace, shard_id]");
        }
    }

    private static AttributeValue s(String v) {
        return AttributeValue.builder().s(v).build();
    }

    /** Builds a {@link GoGroupPositions}. */
    @PublicEvolving
    public static final class Builder {
        private String leaseTable;
        private String groupName;
        private String streamName;
        private CheckpointStore store;
        private String storeAppName;
        private ClientSettings settings;
        private DynamoDbAsyncClient client;

        private Builder() {}

        /** The group's lease table (Go: {@code Repository.TableName}). */
        public Builder leaseTable(String leaseTable) {
            this.leaseTable = leaseTable;
            return this;
        }

        /** The group's name (Go: {@code GroupName}, or the deprecated {@code AppName}). */
        public Builder groupName(String groupName) {
            this.groupName = groupName;
            return this;
        }

        /** The stream the group read. */
        public Builder streamName(String streamName) {
            this.streamName = streamName;
            return this;
        }

        /**
         * The group's checkpoint store, as one of this library's stores on the same table, key
         * space or database (the Go layouts); it is read, not closed.
         */
        public Builder checkpointStore(CheckpointStore store) {
            this.store = store;
            return this;
        }

        /**
         * The application name the Go checkpoint store was created with ({@code ddb.New(appName,
         * ..)} and the like); by default the group's name, as in the Go library's example.
         */
        public Builder storeAppName(String storeAppName) {
            this.storeAppName = storeAppName;
            return this;
        }

        /** The lease table's DynamoDB; a client is made for each read and closed after it. */
        public Builder dynamoDbSettings(ClientSettings settings) {
            this.settings = settings;
            return this;
        }

        /** The lease table's DynamoDB through {@code client}, which is not closed. */
        public Builder dynamoDbClient(DynamoDbAsyncClient client) {
            this.client = client;
            return this;
        }

        public GoGroupPositions build() {
            return new GoGroupPositions(this);
        }
    }
}
