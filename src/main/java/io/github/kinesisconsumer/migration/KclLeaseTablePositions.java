package io.github.kinesisconsumer.migration;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.kinesis.ClientSettings;

import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Positions from a KCL 2.x or 3.x lease table in DynamoDB, which it only reads. Each lease row
 * names a shard ({@code leaseKey}) and its checkpoint: a sequence number with {@code
 * checkpointSubSequenceNumber}, or one of the KCL's sentinels {@code SHARD_END}, {@code
 * TRIM_HORIZON}, {@code LATEST}, {@code AT_TIMESTAMP}. In a multi-stream table the row also holds
 * the stream identifier ({@code streamName}: {@code account:stream:creationEpoch}) and {@code
 * shardId}; only the rows of the given stream are used. A single-stream table does not name its
 * stream: {@link MigrationPlan} checks its sequence numbers against the stream's shards instead.
 * When a multi-stream table holds one stream name under several identifiers (a stream deleted and
 * created again, or streams of one name in several accounts), reading by name is refused: give the
 * identifier ({@code account:stream:creationEpoch}) instead of the name.
 *
 * <p>Since KCL 3.5 the lease table may also hold the KCL's other state (leader lock, stream
 * information, migration state, worker metrics), told apart by the attribute {@code entityType};
 * only rows without it or with {@code entityType} {@code LEASE} are leases, as for the KCL.
 *
 * <p>The KCL numbers the records it hands out: a whole record is sub-sequence 0, the user records
 * of a KPL aggregate 0, 1, 2, ... A checkpoint (n, k) resumes after user record k of n, and after n
 * itself when n is a whole record. Pending checkpoints ({@code pendingCheckpoint}, written by
 * {@code prepareCheckpoint}) were never committed and are not read.
 */
@PublicEvolving
public final class KclLeaseTablePositions implements PositionSource {

    private final String tableName;
    private final String streamName;
    private final ClientSettings settings;
    private final DynamoDbAsyncClient client;

    private KclLeaseTablePositions(
            String tableName,
            String streamName,
            ClientSettings settings,
            DynamoDbAsyncClient client) {
        this.tableName = requireText(tableName, "tableName");
        this.streamName = requireText(streamName, "streamName");
        this.settings = settings;
        this.client = client;
    }

    /**
     * Reads table {@code tableName} for stream {@code streamName}, with a client of its own. In a
     * multi-stream table {@code streamName} may also be a KCL stream identifier {@code
     * account:stream:creationEpoch}; the positions name the stream.
     */
    public static KclLeaseTablePositions of(
            String tableName, String streamName, ClientSettings dynamoDbSettings) {
        if (dynamoDbSettings == null) {
            throw new IllegalArgumentException("dynamoDbSettings must not be null");
        }
        return new KclLeaseTablePositions(tableName, streamName, dynamoDbSettings, null);
    }

    /** Reads with {@code client}, which is not closed. */
    public static KclLeaseTablePositions of(
            String tableName, String streamName, DynamoDbAsyncClient client) {
        if (client == null) {
            throw new IllegalArgumentException("client must not be null");
        }
        return new KclLeaseTablePositions(tableName, streamName, null, client);
    }

    /** A builder; the table, the stream and the DynamoDB access are required. */
    public static Builder builder() {
        return new Builder();
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }

    @Override
    public String description() {
        return "KCL lease table '" + tableName + "'";
    }

    @Override
    public List<PriorPosition> read() {
        return LeaseTable.read(tableName, description(), settings, client, this::readFrom);
    }

    private List<PriorPosition> readFrom(LeaseTable table) {
        checkKeySchema(
                table.keySchema(
                        "give the KCL application's lease table (the KCL names it after the"
                                + " application), in the region the application ran in"));
        List<PriorPosition> out = new ArrayList<>();
        Set<String> otherStreams = new TreeSet<>();
        Set<String> identifiers = new TreeSet<>();
        int[] rows = {0};
        table.scan(
                r -> r.consistentRead(true),
                row -> {
                    if (!isLease(row)) {
                        return;
                    }
                    rows[0]++;
                    PriorPosition p = positionOf(row, otherStreams, identifiers);
                    if (p != null) {
                        out.add(p);
                    }
                });
        if (identifiers.size() > 1) {
            throw new IllegalArgumentException(
                    description()
                            + " holds leases of stream '"
                            + streamName
                            + "' under several stream identifiers "
                            + identifiers
                            + " (a stream deleted and created again, or streams of that name in"
                            + " several accounts): give the identifier of the stream to move"
                            + " instead of its name");
        }
        if (out.isEmpty() && !otherStreams.isEmpty()) {
            throw new IllegalArgumentException(
                    description()
                            + " is a multi-stream table without leases of stream '"
                            + streamName
                            + "'; it holds leases of "
                            + otherStreams
                            + ": name one of those streams, or give the lease table of the"
                            + " application that read '"
                            + streamName
                            + "'");
        }
        if (rows[0] == 0) {
            throw new IllegalArgumentException(
                    description()
                            + " holds no leases: the KCL application never ran against it, or"
                            + " this is not its lease table");
        }
        return out;
    }

    /** As the KCL's lease serializer: a row without {@code entityType} is a lease too. */
    private static boolean isLease(Map<String, AttributeValue> row) {
        AttributeValue type = row.get("entityType");
        return type == null || type.s() == null || "LEASE".equals(type.s());
    }

    private PriorPosition positionOf(
            Map<String, AttributeValue> row, Set<String> otherStreams, Set<String> identifiers) {
        String leaseKey = text(row, "leaseKey");
        String shardId = leaseKey;
        AttributeValue streamId = row.get("streamName");
        if (streamId != null && streamId.s() != null) {
            String rowStream = streamNameOf(streamId.s());
            boolean byIdentifier = streamName.indexOf(':') >= 0;
            if (byIdentifier ? !streamId.s().equals(streamName) : !rowStream.equals(streamName)) {
                otherStreams.add(byIdentifier ? streamId.s() : rowStream);
                return null;
            }
            identifiers.add(streamId.s());
            shardId = row.containsKey("shardId") ? text(row, "shardId") : afterLastColon(leaseKey);
        }
        String checkpoint = row.containsKey("checkpoint") ? text(row, "checkpoint") : null;
        if (checkpoint == null) {
            throw new IllegalArgumentException(
                    description()
                            + ": lease '"
                            + leaseKey
                            + "' has no checkpoint attribute; this is not a KCL lease table");
        }
        switch (checkpoint) {
            case "SHARD_END":
                return PriorPosition.sentinel(
                        streamNameOf(streamName), shardId, PriorPosition.Kind.SHARD_END);
            case "TRIM_HORIZON":
                return PriorPosition.sentinel(
                        streamNameOf(streamName), shardId, PriorPosition.Kind.TRIM_HORIZON);
            case "LATEST":
                return PriorPosition.sentinel(
                        streamNameOf(streamName), shardId, PriorPosition.Kind.LATEST);
            case "AT_TIMESTAMP":
                return PriorPosition.sentinel(
                        streamNameOf(streamName), shardId, PriorPosition.Kind.AT_TIMESTAMP);
            default:
                AttributeValue sub = row.get("checkpointSubSequenceNumber");
                long subSequence = sub == null || sub.n() == null ? 0L : Long.parseLong(sub.n());
                try {
                    return PriorPosition.after(
                            streamNameOf(streamName), shardId, checkpoint, subSequence);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            description()
                                    + ": lease '"
                                    + leaseKey
                                    + "' has checkpoint '"
                                    + checkpoint
                                    + "', neither a sequence number nor a KCL sentinel",
                            e);
                }
        }
    }

    /** The stream name in a KCL stream identifier {@code account:stream:creationEpoch}. */
    private static String streamNameOf(String streamIdentifier) {
        String[] parts = streamIdentifier.split(":");
        return parts.length == 3 ? parts[1] : streamIdentifier;
    }

    private static String afterLastColon(String s) {
        return s.substring(s.lastIndexOf(':') + 1);
    }

    private String text(Map<String, AttributeValue> row, String name) {
        AttributeValue v = row.get(name);
        if (v == null || v.s() == null) {
            throw new IllegalArgumentException(
                    description()
                            + " has a row without the string attribute '"
                            + name
                            + "': "
                            + row.keySet()
                            + "; this is not a KCL lease table");
        }
        return v.s();
    }

    private void checkKeySchema(List<KeySchemaElement> keys) {
        boolean kcl =
                keys.size() == 1
                        && keys.get(0).keyType() == KeyType.HASH
                        && keys.get(0).attributeName().equals("leaseKey");
        if (!kcl) {
            throw new IllegalArgumentException(
                    description()
                            + " is not a KCL lease table: its key is "
                            + LeaseTable.attributeNames(keys)
                            + ", a KCL lease table's is [leaseKey]. Give the table the KCL"
                            + " application uses (named after the application)");
        }
    }

    /** Builds a {@link KclLeaseTablePositions}; the same as the {@code of(..)} factories. */
    @PublicEvolving
    public static final class Builder {
        private String tableName;
        private String streamName;
        private ClientSettings settings;
        private DynamoDbAsyncClient client;

        private Builder() {}

        /** The KCL application's lease table (the KCL names it after the application). */
        public Builder tableName(String tableName) {
            this.tableName = tableName;
            return this;
        }

        /**
         * The stream whose positions are read; in a multi-stream table also a KCL stream identifier
         * {@code account:stream:creationEpoch}.
         */
        public Builder streamName(String streamName) {
            this.streamName = streamName;
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

        public KclLeaseTablePositions build() {
            if ((settings == null) == (client == null)) {
                throw new IllegalArgumentException(
                        "give the lease table's DynamoDB, one way: dynamoDbSettings(..) or"
                                + " dynamoDbClient(..)");
            }
            return new KclLeaseTablePositions(tableName, streamName, settings, client);
        }
    }
}
