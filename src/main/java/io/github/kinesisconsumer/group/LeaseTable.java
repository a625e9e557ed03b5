package io.github.kinesisconsumer.group;

import io.github.kinesisconsumer.store.CheckpointStoreException;
import io.github.kinesisconsumer.store.dynamodb.DynamoDbTables;

import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * The lease table: hash key {@code group_name}, range key {@code item_id}; items {@code
 * lease#<stream>#<shard>} (one per shard) and {@code worker#<id>} (heartbeats with a TTL
 * attribute). Every change of a held lease is conditional on its owner and lease counter.
 */
final class LeaseTable {

    static final String GROUP = "group_name";
    static final String ITEM = "item_id";

    private final DynamoDbAsyncClient client;
    private final String table;
    private final String group;

    private static final Duration ACTIVE_TIMEOUT = Duration.ofMinutes(1);

    LeaseTable(DynamoDbAsyncClient client, String table, String group) {
        this.client = client;
        this.table = table;
        this.group = group;
    }

    String name() {
        return table;
    }

    void createIfMissing() {
        try {
            DynamoDbTables.createIfMissing(client, table, GROUP, ITEM, ACTIVE_TIMEOUT).join();
        } catch (CompletionException e) {
            throw error("create table", e);
        }
    }

    /** All lease and worker items of the group. */
    Snapshot read(String stream) {
        Map<String, Lease> leases = new HashMap<>();
        Map<String, Long> workers = new HashMap<>();
        Map<String, AttributeValue> start = null;
        String leasePrefix = "lease#" + stream + "#";
        try {
            do {
                QueryRequest.Builder q =
                        QueryRequest.builder()
                                .tableName(table)
                                .consistentRead(true)
                                .keyConditionExpression("#g = :g")
                                .expressionAttributeNames(Map.of("#g", GROUP))
                                .expressionAttributeValues(Map.of(":g", s(group)));
                if (start != null) {
                    q.exclusiveStartKey(start);
                }
                QueryResponse response = client.query(q.build()).join();
                for (Map<String, AttributeValue> item : response.items()) {
                    String id = item.get(ITEM).s();
                    if (id.startsWith(leasePrefix)) {
                        Lease lease = toLease(item);
                        leases.put(lease.shardId, lease);
                    } else if (id.startsWith("worker#")) {
                        workers.put(id.substring(7), num(item, "expires_at", 0));
                    }
                }
                start =
                        response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                                ? response.lastEvaluatedKey()
                                : null;
            } while (start != null);
        } catch (CompletionException e) {
            throw error("read leases", e);
        }
        return new Snapshot(leases, workers);
    }

    void createLease(String stream, String shardId, List<String> parents) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(GROUP, s(group));
        item.put(ITEM, s(leaseId(stream, shardId)));
        item.put("shard_id", s(shardId));
        item.put("lease_counter", n(0));
        item.put("expires_at", n(0));
        item.put("parents", s(String.join(",", parents)));
        item.put("finished", AttributeValue.builder().bool(false).build());
        try {
            client.putItem(
                            r ->
                                    r.tableName(table)
                                            .item(item)
                                            .conditionExpression("attribute_not_exists(#i)")
                                            .expressionAttributeNames(Map.of("#i", ITEM)))
                    .join();
        } catch (CompletionException e) {
            if (!(e.getCause() instanceof ConditionalCheckFailedException)) {
                throw error("create lease of " + shardId, e);
            }
        }
    }

    /**
     * Takes a free, expired or handed-off lease; returns the lease as the take left it (read in the
     * same conditional write, so its checkpoint is the latest one accepted under the previous
     * counter), or null if another worker won the race or the lease changed since {@code seen}.
     */
    Lease take(String stream, Lease seen, String me, long nowMillis, long periodMillis) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":me", s(me));
        values.put(":c", n(seen.counter));
        values.put(":next", n(seen.counter + 1));
        values.put(":now", n(nowMillis));
        values.put(":exp", n(nowMillis + periodMillis));
        values.put(":f", AttributeValue.builder().bool(false).build());
        return updateReturning(
                stream,
                seen.shardId,
                "SET #o = :me, lease_counter = :next, expires_at = :exp REMOVE handoff_to",
                "lease_counter = :c AND finished = :f AND ((attribute_not_exists(#o) AND"
                        + " (attribute_not_exists(handoff_to) OR handoff_to = :me)) OR"
                        + " expires_at < :now)",
                values);
    }

    /** Extends a held lease; returns false if it is no longer ours. */
    Lease renew(String stream, String shardId, String me, long counter, long expiresAt) {
        Map<String, AttributeValue> values = owned(me, counter);
        values.put(":exp", n(expiresAt));
        return updateReturning(stream, shardId, "SET expires_at = :exp", values);
    }

    boolean checkpoint(
            String stream, String shardId, String me, long counter, String seq, long sub) {
        Map<String, AttributeValue> values = owned(me, counter);
        values.put(":seq", s(seq));
        values.put(":sub", n(sub));
        return updateReturning(
                        stream,
                        shardId,
                        "SET checkpoint_sequence = :seq, checkpoint_sub_sequence = :sub",
                        values)
                != null;
    }

    boolean finish(String stream, String shardId, String me, long counter, String seq, long sub) {
        Map<String, AttributeValue> values = owned(me, counter);
        values.put(":seq", s(seq));
        values.put(":sub", n(sub));
        values.put(":t", AttributeValue.builder().bool(true).build());
        return updateReturning(
                        stream,
                        shardId,
                        "SET finished = :t, checkpoint_sequence = :seq,"
                                + " checkpoint_sub_sequence = :sub, expires_at = :zero REMOVE #o",
                        withZero(values))
                != null;
    }

    boolean release(String stream, String shardId, String me, long counter) {
        return updateReturning(
                        stream,
                        shardId,
                        "SET expires_at = :zero REMOVE #o",
                        withZero(owned(me, counter)))
                != null;
    }

    boolean requestHandoff(String stream, Lease lease, String me) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":owner", s(lease.owner));
        values.put(":c", n(lease.counter));
        values.put(":me", s(me));
        try {
            client.updateItem(
                            UpdateItemRequest.builder()
                                    .tableName(table)
                                    .key(key(leaseId(stream, lease.shardId)))
                                    .updateExpression("SET handoff_to = :me")
                                    .conditionExpression(
                                            "#o = :owner AND lease_counter = :c AND"
                                                    + " attribute_not_exists(handoff_to)")
                                    .expressionAttributeNames(Map.of("#o", "owner"))
                                    .expressionAttributeValues(values)
                                    .build())
                    .join();
            return true;
        } catch (CompletionException e) {
            if (e.getCause() instanceof ConditionalCheckFailedException) {
                return false;
            }
            throw error("request hand-off of " + lease.shardId, e);
        }
    }

    void heartbeat(String me, long expiresAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(GROUP, s(group));
        item.put(ITEM, s("worker#" + me));
        item.put("expires_at", n(expiresAt));
        item.put("ttl", n(expiresAt / 1000 + 3600));
        try {
            client.putItem(r -> r.tableName(table).item(item)).join();
        } catch (CompletionException e) {
            throw error("heartbeat", e);
        }
    }

    void leave(String me) {
        try {
            client.deleteItem(r -> r.tableName(table).key(key("worker#" + me))).join();
        } catch (CompletionException e) {
            throw error("leave", e);
        }
    }

    private Lease updateReturning(
            String stream, String shardId, String expression, Map<String, AttributeValue> values) {
        return updateReturning(
                stream, shardId, expression, "#o = :me AND lease_counter = :c", values);
    }

    /** The conditional update; the item as it left it, or null if the condition failed. */
    private Lease updateReturning(
            String stream,
            String shardId,
            String expression,
            String condition,
            Map<String, AttributeValue> values) {
        try {
            Map<String, AttributeValue> item =
                    client.updateItem(
                                    UpdateItemRequest.builder()
                                            .tableName(table)
                                            .key(key(leaseId(stream, shardId)))
                                            .updateExpression(expression)
                                            .conditionExpression(condition)
                                            .expressionAttributeNames(Map.of("#o", "owner"))
                                            .expressionAttributeValues(values)
                                            .returnValues(ReturnValue.ALL_NEW)
                                            .build())
                            .join()
                            .attributes();
            return toLease(item);
        } catch (CompletionException e) {
            if (e.getCause() instanceof ConditionalCheckFailedException) {
                return null;
            }
            throw error("update lease of " + shardId, e);
        }
    }

    private static Map<String, AttributeValue> owned(String me, long counter) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":me", s(me));
        values.put(":c", n(counter));
        return values;
    }

    private static Map<String, AttributeValue> withZero(Map<String, AttributeValue> values) {
        values.put(":zero", n(0));
        return values;
    }

    private Map<String, AttributeValue> key(String itemId) {
        return Map.of(GROUP, s(group), ITEM, s(itemId));
    }

    private static String leaseId(String stream, String shardId) {
        return "lease#" + stream + "#" + shardId;
    }

    private static Lease toLease(Map<String, AttributeValue> item) {
        String parents = item.containsKey("parents") ? item.get("parents").s() : "";
        AttributeValue finished = item.get("finished");
        return new Lease(
                item.get("shard_id").s(),
                item.containsKey("owner") ? item.get("owner").s() : null,
                num(item, "lease_counter", 0),
                num(item, "expires_at", 0),
                parents.isEmpty()
                        ? Collections.emptyList()
                        : new ArrayList<>(Arrays.asList(parents.split(","))),
                finished != null && Boolean.TRUE.equals(finished.bool()),
                item.containsKey("handoff_to") ? item.get("handoff_to").s() : null,
                item.containsKey("checkpoint_sequence")
                        ? item.get("checkpoint_sequence").s()
                        : null,
                num(item, "checkpoint_sub_sequence", -1));
    }

    private static long num(Map<String, AttributeValue> item, String name, long fallback) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? fallback : Long.parseLong(v.n());
    }

    private static AttributeValue s(String v) {
        return AttributeValue.builder().s(v).build();
    }

    private static AttributeValue n(long v) {
        return AttributeValue.builder().n(Long.toString(v)).build();
    }

    private CheckpointStoreException error(String what, CompletionException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return new CheckpointStoreException(
                "lease table '" + table + "' (group " + group + "): " + what + " failed: " + cause,
                cause);
    }

    /** Leases of one stream and live-until times of workers. */
    static final class Snapshot {
        final Map<String, Lease> leases;
        final Map<String, Long> workers;

        Snapshot(Map<String, Lease> leases, Map<String, Long> workers) {
            this.leases = leases;
            this.workers = workers;
        }
    }
}
