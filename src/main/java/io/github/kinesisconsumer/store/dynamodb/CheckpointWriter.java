package io.github.kinesisconsumer.store.dynamodb;

import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStoreException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.EXACT_SEQUENCE_NUMBER;
import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.FINISHED;
import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.POSITION_KEY;
import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.SEQUENCE_NUMBER;
import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.SHARD_ID;
import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.SUB_SEQUENCE_NUMBER;
import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.item;
import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.key;
import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.parse;
import static io.github.kinesisconsumer.store.dynamodb.CheckpointItems.text;
import static io.github.kinesisconsumer.store.dynamodb.DynamoDbCheckpointStore.problem;
import static io.github.kinesisconsumer.store.dynamodb.DynamoDbCheckpointStore.unwrap;

/**
 * The write path of {@link DynamoDbCheckpointStore}: conditional writes that never move a shard
 * backwards, sent concurrently. A write that finds a newer checkpoint is skipped; an item without
 * {@code position_key} (written by the Go library) is compared after reading it and replaced only
 * if it is unchanged since; an item that keeps changing fails after {@value #MAX_CONFLICTS}
 * attempts.
 */
final class CheckpointWriter {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointWriter.class);
    private static final int MAX_CONFLICTS = 10;

    private final DynamoDbAsyncClient client;
    private final String tableName;
    private final String where;

    CheckpointWriter(DynamoDbAsyncClient client, String tableName, String where) {
        this.client = client;
        this.tableName = tableName;
        this.where = where;
    }

    /**
     * Writes every checkpoint of {@code batch} (shard id to checkpoint, with its {@code
     * position_key} in {@code positions}), at most {@code maxConcurrentWrites} at once.
     *
     * @throws CheckpointStoreException naming the shards whose writes failed
     */
    void writeAll(
            String namespace,
            Map<String, Checkpoint> batch,
            Map<String, String> positions,
            int maxConcurrentWrites)
            throws InterruptedException, ExecutionException {
        Semaphore permits = new Semaphore(maxConcurrentWrites);
        Map<String, Throwable> failures = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> writes = new ArrayList<>(batch.size());
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
        if (!failures.isEmpty()) {
            throw batchFailure(namespace, batch.size(), failures);
        }
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
        return continueOnConflict(
                conditionalWrite(namespace, shardId, checkpoint, position),
                failed ->
                        afterConflict(
                                namespace,
                                shardId,
                                checkpoint,
                                position,
                                conflicts,
                                failed.hasItem() ? failed.item() : null));
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
                    Checkpoint existing = parse(item, namespace, shardId, where);
                    if (!checkpoint.isAfter(existing)) {
                        LOG.debug(
                                "{}: kept {} of {} shard {}, not replaced by {}",
                                where,
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
        CompletableFuture<?> replaced =
                client.putItem(request)
                        .thenRun(
                                () ->
                                        LOG.debug(
                                                "{}: replaced {} shard {} written without"
                                                        + " position_key",
                                                where,
                                                namespace,
                                                shardId));
        return continueOnConflict(
                replaced, failed -> retry(namespace, shardId, checkpoint, position, conflicts));
    }

    /**
     * {@code write}, continued by {@code onConflict} when its condition failed; any other failure
     * fails the result.
     */
    private static CompletableFuture<Void> continueOnConflict(
            CompletableFuture<?> write,
            Function<ConditionalCheckFailedException, CompletableFuture<Void>> onConflict) {
        return write.handle(
                        (response, error) -> {
                            if (error == null) {
                                return CompletableFuture.<Void>completedFuture(null);
                            }
                            Throwable cause = unwrap(error);
                            return cause instanceof ConditionalCheckFailedException
                                    ? onConflict.apply((ConditionalCheckFailedException) cause)
                                    : CompletableFuture.<Void>failedFuture(cause);
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
                            where
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

    private CheckpointStoreException batchFailure(
            String namespace, int total, Map<String, Throwable> failures) {
        List<String> shards = new ArrayList<>(new TreeMap<>(failures).keySet());
        String first = shards.get(0);
        Throwable firstError = failures.get(first);
        int shown = Math.min(shards.size(), 10);
        StringBuilder message =
                new StringBuilder(where)
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
}
