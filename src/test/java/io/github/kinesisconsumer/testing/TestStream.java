package io.github.kinesisconsumer.testing;

import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.kinesis.StreamRef;
import io.github.kinesisconsumer.kinesis.discovery.ShardLister;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ScalingType;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** A stream made for one test, with helpers to write to it and reshard it. */
public final class TestStream {

    private final KinesisAsyncClient client;
    private final String name;
    private final String where;

    TestStream(KinesisAsyncClient client, String name, String where) {
        this.client = client;
        this.name = name;
        this.where = where;
    }

    public String name() {
        return name;
    }

    public StreamRef ref() {
        return StreamRef.ofName(name);
    }

    public KinesisAsyncClient client() {
        return client;
    }

    void create(int shards) {
        client.createStream(r -> r.streamName(name).shardCount(shards)).join();
        awaitActive();
    }

    void delete() {
        try {
            client.deleteStream(r -> r.streamName(name).enforceConsumerDeletion(true)).join();
        } catch (RuntimeException e) {
            // already gone
        }
    }

    public void awaitActive() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            StreamStatus status =
                    client.describeStreamSummary(r -> r.streamName(name))
                            .join()
                            .streamDescriptionSummary()
                            .streamStatus();
            if (status == StreamStatus.ACTIVE) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("stream " + name + " not ACTIVE: " + status);
            }
            sleep(50);
        }
    }

    public List<ShardInfo> shards() {
        return new ShardLister(client, ref(), where).listAll();
    }

    public List<String> shardIds() {
        List<String> ids = new ArrayList<>();
        for (ShardInfo s : shards()) {
            ids.add(s.shardId());
        }
        return ids;
    }

    /**
     * Writes {@code count} UTF-8 records {@code "<i>"} with partition keys {@code "pk-<i % keys>"}.
     */
    public List<WrittenRecord> putSequential(int count, int keys) {
        return put(count, i -> "pk-" + (i % keys), i -> Integer.toString(i));
    }

    /** Writes records in PutRecords batches of up to 500, retrying failed entries in order. */
    public List<WrittenRecord> put(
            int count, IntFunction<String> partitionKey, IntFunction<String> payload) {
        List<byte[]> data = new ArrayList<>(count);
        List<String> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            keys.add(partitionKey.apply(i));
            data.add(payload.apply(i).getBytes(StandardCharsets.UTF_8));
        }
        return putBytes(keys, data);
    }

    /**
     * Writes the records; a partition key's records keep their order (a batch that partly fails is
     * retried from its first failed entry, one batch at a time).
     */
    public List<WrittenRecord> putBytes(List<String> keys, List<byte[]> data) {
        List<WrittenRecord> written = new ArrayList<>(keys.size());
        int i = 0;
        int attempt = 0;
        while (i < keys.size()) {
            int end = Math.min(keys.size(), i + 500);
            List<PutRecordsRequestEntry> entries = new ArrayList<>(end - i);
            for (int j = i; j < end; j++) {
                entries.add(
                        PutRecordsRequestEntry.builder()
                                .partitionKey(keys.get(j))
                                .data(SdkBytes.fromByteArrayUnsafe(data.get(j)))
                                .build());
            }
            PutRecordsResponse response;
            try {
                response =
                        client.putRecords(
                                        PutRecordsRequest.builder()
                                                .streamName(name)
                                                .records(entries)
                                                .build())
                                .join();
            } catch (RuntimeException e) {
                if (++attempt > 20) {
                    throw e;
                }
                sleep(100L * attempt);
                continue;
            }
            List<PutRecordsResultEntry> results = response.records();
            int ok = 0;
            while (ok < results.size() && results.get(ok).errorCode() == null) {
                PutRecordsResultEntry r = results.get(ok);
                written.add(
                        new WrittenRecord(
                                keys.get(i + ok),
                                data.get(i + ok),
                                r.shardId(),
                                r.sequenceNumber()));
                ok++;
            }
            i += ok;
            if (ok < results.size()) {
                if (++attempt > 50) {
                    throw new IllegalStateException(
                            "PutRecords keeps failing: " + results.get(ok).errorMessage());
                }
                sleep(50L * Math.min(attempt, 10));
            } else {
                attempt = 0;
            }
        }
        return written;
    }

    /** Splits a shard at the middle of its hash key range; returns after the stream is ACTIVE. */
    public void split(String shardId) {
        Shard shard = describeShard(shardId);
        BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
        BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
        BigInteger middle = start.add(end).shiftRight(1).add(BigInteger.ONE);
        client.splitShard(
                        r ->
                                r.streamName(name)
                                        .shardToSplit(shardId)
                                        .newStartingHashKey(middle.toString()))
                .join();
        awaitActive();
    }

    /** Merges two adjacent shards; returns after the stream is ACTIVE. */
    public void merge(String shardId, String adjacentShardId) {
        client.mergeShards(
                        r ->
                                r.streamName(name)
                                        .shardToMerge(shardId)
                                        .adjacentShardToMerge(adjacentShardId))
                .join();
        awaitActive();
    }

    /** Scales to {@code target} open shards (kinesis-local only); returns when ACTIVE. */
    public void updateShardCount(int target) {
        client.updateShardCount(
                        r ->
                                r.streamName(name)
                                        .targetShardCount(target)
                                        .scalingType(ScalingType.UNIFORM_SCALING))
                .join();
        awaitActive();
    }

    /** Two open shards whose hash ranges touch, for a merge. */
    public String[] adjacentOpenShards() {
        List<Shard> open = new ArrayList<>();
        for (Shard s : listRaw()) {
            if (s.sequenceNumberRange().endingSequenceNumber() == null) {
                open.add(s);
            }
        }
        for (Shard a : open) {
            BigInteger next = new BigInteger(a.hashKeyRange().endingHashKey()).add(BigInteger.ONE);
            for (Shard b : open) {
                if (new BigInteger(b.hashKeyRange().startingHashKey()).equals(next)) {
                    return new String[] {a.shardId(), b.shardId()};
                }
            }
        }
        throw new IllegalStateException("no adjacent open shards in " + name);
    }

    private Shard describeShard(String shardId) {
        for (Shard s : listRaw()) {
            if (s.shardId().equals(shardId)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no shard " + shardId + " in " + name);
    }

    private List<Shard> listRaw() {
        List<Shard> shards = new ArrayList<>();
        String token = null;
        do {
            ListShardsRequest.Builder request = ListShardsRequest.builder();
            if (token == null) {
                request.streamName(name);
            } else {
                request.nextToken(token);
            }
            var response = client.listShards(request.build()).join();
            shards.addAll(response.shards());
            token = response.nextToken();
        } while (token != null);
        return shards;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
