package io.github.kinesisconsumer.bench;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The enhanced fan-out counterpart of the raw GetRecords loop: one SubscribeToShard per shard on
 * the SDK's HTTP/2 client, each event's records counted (and their payloads touched) on the
 * client's own threads, a new subscription after the continuation sequence number whenever one
 * ends before the shard is read. The SDK's default subscriber asks for one event at a time.
 */
final class RawFanOutLoop implements AutoCloseable {

    private final KinesisAsyncClient client;
    private final String consumerArn;
    private final ThroughputBenchmark.Meter meter;
    private final int perShard;
    private final AtomicLong checksum = new AtomicLong();
    private final Map<String, String> continuation = new ConcurrentHashMap<>();

    RawFanOutLoop(
            String endpoint, String streamArn, int shards, int perShard, ThroughputBenchmark.Meter m) {
        this.client =
                KinesisAsyncClient.builder()
                        .region(Region.US_EAST_1)
                        .endpointOverride(URI.create(endpoint))
                        .credentialsProvider(
                                StaticCredentialsProvider.create(
                                        AwsBasicCredentials.create("local", "local")))
                        .httpClientBuilder(
                                NettyNioAsyncHttpClient.builder()
                                        .protocol(Protocol.HTTP2)
                                        .maxConcurrency(shards + 4))
                        .build();
        this.consumerArn =
                client.registerStreamConsumer(
                                b -> b.streamARN(streamArn).consumerName("raw-efo-" + System.nanoTime()))
                        .join()
                        .consumer()
                        .consumerARN();
        this.meter = m;
        this.perShard = perShard;
    }

    /** Subscribes to {@code shardId} from its start and keeps reading it until all is read. */
    void read(String shardId) {
        subscribe(shardId, null, new long[1]);
    }

    private void subscribe(String shardId, String after, long[] got) {
        SubscribeToShardResponseHandler handler =
                SubscribeToShardResponseHandler.builder()
                        .subscriber(
                                SubscribeToShardResponseHandler.Visitor.builder()
                                        .onSubscribeToShardEvent(e -> onEvent(e, got, shardId))
                                        .build())
                        .onComplete(() -> again(shardId, got))
                        .onError(
                                t -> {
                                    if (got[0] < perShard) {
                                        System.err.println(
                                                "raw-efo " + shardId + ": " + t + ", subscribing again");
                                    }
                                })
                        .build();
        StartingPosition from =
                after == null
                        ? StartingPosition.builder().type(ShardIteratorType.TRIM_HORIZON).build()
                        : StartingPosition.builder()
                                .type(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                                .sequenceNumber(after)
                                .build();
        client.subscribeToShard(
                        b -> b.consumerARN(consumerArn).shardId(shardId).startingPosition(from),
                        handler)
                .whenComplete(
                        (ok, t) -> {
                            if (t != null && got[0] < perShard) {
                                again(shardId, got);
                            }
                        });
    }

    private void onEvent(SubscribeToShardEvent e, long[] got, String shardId) {
        long sum = 0;
        for (Record r : e.records()) {
            sum += r.data().asByteArrayUnsafe().length;
        }
        checksum.addAndGet(sum);
        int n = e.records().size();
        got[0] += n;
        if (n > 0) {
            meter.add(n);
        }
        continuation.put(shardId, e.continuationSequenceNumber());
    }

    private void again(String shardId, long[] got) {
        if (got[0] < perShard) {
            subscribe(shardId, continuation.get(shardId), got);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
