package io.github.kinesisconsumer.testing;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * An in-memory Kinesis for unit tests: shards of pre-written records, iterators that encode a
 * position, and a script of faults. It records when each GetRecords call arrived, per shard.
 */
public final class FakeKinesis implements KinesisAsyncClient {

    private final java.util.Queue<RuntimeException> iteratorFailures =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** Decides, per GetRecords call, whether to fail it. Returns null to answer normally. */
    public interface Fault extends BiFunction<String, Integer, RuntimeException> {}

    private final Map<String, List<Record>> shards = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> callTimes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<String, Boolean> expireNext = new ConcurrentHashMap<>();
    private final List<String> closedShards = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> trimmed = new ConcurrentHashMap<>();

    /** Marks the iterators of positions before the trim horizon: they never get a record. */
    private static final String TRIMMED = "trimmed";

    /** The MillisBehindLatest of a trimmed iterator: the default retention of 24 hours. */
    private static final long RETENTION_MILLIS = 86_400_000L;

    private volatile Fault fault = (shard, call) -> null;
    private volatile BiFunction<String, Integer, Long> delay = (shard, call) -> 0L;
    private volatile Supplier<List<Shard>> listing;

    /** Adds a shard with {@code count} records {@code "<shard>:<i>"}. */
    public FakeKinesis shard(String shardId, int count) {
        List<Record> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(
                    Record.builder()
                            .sequenceNumber(sequence(i))
                            .partitionKey("pk-" + (i % 17))
                            .data(SdkBytes.fromString(shardId + ":" + i, StandardCharsets.UTF_8))
                            .approximateArrivalTimestamp(Instant.ofEpochMilli(1_000_000L + i))
                            .build());
        }
        shards.put(shardId, Collections.synchronizedList(records));
        return this;
    }

    /** Appends a record {@code payload} that arrived at {@code arrivalMillis}. */
    public FakeKinesis append(String shardId, String payload, long arrivalMillis) {
        List<Record> records = shards.get(shardId);
        records.add(
                Record.builder()
                        .sequenceNumber(sequence(records.size()))
                        .partitionKey("pk-appended")
                        .data(SdkBytes.fromString(payload, StandardCharsets.UTF_8))
                        .approximateArrivalTimestamp(Instant.ofEpochMilli(arrivalMillis))
                        .build());
        return this;
    }

    /**
     * Delays the answers of GetRecords calls by what {@code delay} returns (milliseconds) for the
     * shard and the call's number; the answer is what the shard held when the call came.
     */
    public FakeKinesis delay(BiFunction<String, Integer, Long> delay) {
        this.delay = delay;
        return this;
    }

    /** Marks a shard closed: after its last record the iterator is null. */
    public FakeKinesis closed(String shardId) {
        closedShards.add(shardId);
        return this;
    }

    /**
     * Expires the first {@code count} records of a shard: TRIM_HORIZON starts after them, and an
     * iterator at or after one of them answers empty pages forever, {@code MillisBehindLatest} the
     * retention period (what users report real Kinesis does for such a checkpoint).
     */
    public FakeKinesis trim(String shardId, int count) {
        trimmed.put(shardId, count);
        return this;
    }

    public FakeKinesis fault(Fault fault) {
        this.fault = fault;
        return this;
    }

    /** The next GetRecords call on this shard fails with ExpiredIteratorException. */
    public void expireIteratorOnce(String shardId) {
        expireNext.put(shardId, true);
    }

    /** Arrival times (System.nanoTime) of GetRecords calls per shard. */
    public List<Long> callTimes(String shardId) {
        return callTimes.getOrDefault(shardId, List.of());
    }

    public int getRecordsCalls(String shardId) {
        AtomicInteger n = calls.get(shardId);
        return n == null ? 0 : n.get();
    }

    public static String sequence(int index) {
        return BigInteger.valueOf(49_000_000_000L + index * 10L).toString();
    }

    public static RuntimeException throttled() {
        return ProvisionedThroughputExceededException.builder()
                .message("Rate exceeded for shard")
                .statusCode(400)
                .awsErrorDetails(
                        AwsErrorDetails.builder()
                                .errorCode("ProvisionedThroughputExceededException")
                                .build())
                .build();
    }

    public static RuntimeException serverError() {
        return KinesisException.builder()
                .message("Internal failure")
                .statusCode(500)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalFailure").build())
                .build();
    }

    /** The next GetShardIterator calls fail with these, one each, before any succeeds. */
    public FakeKinesis failIteratorCalls(RuntimeException... failures) {
        iteratorFailures.addAll(java.util.Arrays.asList(failures));
        return this;
    }

    @Override
    public CompletableFuture<GetShardIteratorResponse> getShardIterator(
            GetShardIteratorRequest request) {
        RuntimeException failure = iteratorFailures.poll();
        if (failure != null) {
            return failed(failure);
        }
        List<Record> records = shards.get(request.shardId());
        if (records == null) {
            return failed(
                    ResourceNotFoundException.builder()
                            .message("Shard " + request.shardId() + " not found")
                            .statusCode(400)
                            .build());
        }
        int index;
        int horizon = trimmed.getOrDefault(request.shardId(), 0);
        switch (request.shardIteratorType()) {
            case TRIM_HORIZON:
                index = horizon;
                break;
            case LATEST:
                index = records.size();
                break;
            case AT_SEQUENCE_NUMBER:
                index = indexOf(records, request.startingSequenceNumber());
                break;
            case AFTER_SEQUENCE_NUMBER:
                index = indexOf(records, request.startingSequenceNumber()) + 1;
                break;
            default:
                throw new UnsupportedOperationException(request.shardIteratorType().toString());
        }
        return later(
                GetShardIteratorResponse.builder()
                        .shardIterator(
                                request.shardId() + "|" + (index < horizon ? TRIMMED : index))
                        .build());
    }

    @Override
    public CompletableFuture<GetRecordsResponse> getRecords(GetRecordsRequest request) {
        String[] parts = request.shardIterator().split("\\|");
        String shardId = parts[0];
        if (TRIMMED.equals(parts[1])) {
            return later(
                    GetRecordsResponse.builder()
                            .records(List.of())
                            .nextShardIterator(request.shardIterator())
                            .millisBehindLatest(RETENTION_MILLIS)
                            .build());
        }
        int index = Integer.parseInt(parts[1]);
        callTimes
                .computeIfAbsent(shardId, k -> new CopyOnWriteArrayList<>())
                .add(System.nanoTime());
        int call = calls.computeIfAbsent(shardId, k -> new AtomicInteger()).incrementAndGet();
        if (expireNext.remove(shardId) != null) {
            return failed(
                    ExpiredIteratorException.builder()
                            .message("Iterator expired")
                            .statusCode(400)
                            .build());
        }
        RuntimeException injected = fault.apply(shardId, call);
        if (injected != null) {
            return failed(injected);
        }
        List<Record> records = shards.get(shardId);
        int end = Math.min(records.size(), index + request.limit());
        List<Record> batch = new ArrayList<>(records.subList(index, end));
        boolean closedAndDone = closedShards.contains(shardId) && end == records.size();
        long delayMillis = delay.apply(shardId, call);
        if (delayMillis > 0) {
            GetRecordsResponse answer =
                    GetRecordsResponse.builder()
                            .records(batch)
                            .nextShardIterator(closedAndDone ? null : shardId + "|" + end)
                            .millisBehindLatest((long) (records.size() - end))
                            .build();
            CompletableFuture<GetRecordsResponse> future = new CompletableFuture<>();
            CompletableFuture.delayedExecutor(
                            delayMillis, java.util.concurrent.TimeUnit.MILLISECONDS)
                    .execute(() -> future.complete(answer));
            return future;
        }
        return later(
                GetRecordsResponse.builder()
                        .records(batch)
                        .nextShardIterator(closedAndDone ? null : shardId + "|" + end)
                        .millisBehindLatest((long) (records.size() - end))
                        .build());
    }

    private static int indexOf(List<Record> records, String sequenceNumber) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).sequenceNumber().equals(sequenceNumber)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no record " + sequenceNumber);
    }

    private static <T> CompletableFuture<T> later(T value) {
        CompletableFuture<T> future = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(
                        ThreadLocalRandom.current().nextInt(1, 3),
                        java.util.concurrent.TimeUnit.MILLISECONDS)
                .execute(() -> future.complete(value));
        return future;
    }

    private static <T> CompletableFuture<T> failed(RuntimeException e) {
        CompletableFuture<T> future = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.MILLISECONDS)
                .execute(() -> future.completeExceptionally(e));
        return future;
    }

    /**
     * Answers ListShards with what {@code listing} returns at the time of the call (in shard id
     * order), instead of the shards holding records: for scripting resharding and retention.
     */
    public FakeKinesis listing(Supplier<List<Shard>> listing) {
        this.listing = listing;
        return this;
    }

    @Override
    public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
        List<Shard> listed = new ArrayList<>();
        Supplier<List<Shard>> scripted = listing;
        if (scripted != null) {
            listed.addAll(scripted.get());
        } else {
            for (String shardId : shards.keySet()) {
                listed.add(Shard.builder().shardId(shardId).build());
            }
        }
        String after =
                request.shardFilter() != null
                                && request.shardFilter().type() == ShardFilterType.AFTER_SHARD_ID
                        ? request.shardFilter().shardId()
                        : request.exclusiveStartShardId();
        if (after != null) {
            listed.removeIf(shard -> shard.shardId().compareTo(after) <= 0);
        }
        return later(ListShardsResponse.builder().shards(listed).build());
    }

    @Override
    public String serviceName() {
        return "kinesis";
    }

    @Override
    public void close() {}
}
