package io.github.kinesisconsumer.kinesis;

import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisServiceClientConfiguration;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The calls a the polling reader makes — GetShardIterator, GetRecords, and ListShards to tell a
 * missing shard from a missing stream — answered by a blocking HTTP client on a bounded pool of
 * threads.
 *
 * <p>A blocking client parses a GetRecords answer as it streams off the socket; the asynchronous
 * client first gathers the whole answer (up to 10 MB) into a growing array and parses it after,
 * which doubles the bytes copied and fills the young generation with large short-lived arrays. The
 * pool's threads start on demand and stop after a minute idle. Every other operation is
 * unsupported.
 */
final class BlockingPollingClient implements KinesisAsyncClient {

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final KinesisClient client;
    private final ThreadPoolExecutor pool;

    BlockingPollingClient(KinesisClient client, int threads) {
        this.client = client;
        int id = POOLS.incrementAndGet();
        AtomicInteger count = new AtomicInteger();
        this.pool =
                new ThreadPoolExecutor(
                        threads,
                        threads,
                        60,
                        TimeUnit.SECONDS,
                        new LinkedBlockingQueue<>(),
                        r -> {
                            Thread t =
                                    new Thread(
                                            r,
                                            "kinesis-fetch-" + id + "-" + count.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public CompletableFuture<GetRecordsResponse> getRecords(GetRecordsRequest request) {
        return call(() -> client.getRecords(request));
    }

    @Override
    public CompletableFuture<GetShardIteratorResponse> getShardIterator(
            GetShardIteratorRequest request) {
        return call(() -> client.getShardIterator(request));
    }

    @Override
    public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
        return call(() -> client.listShards(request));
    }

    private <T> CompletableFuture<T> call(Supplier<T> blockingCall) {
        return CompletableFuture.supplyAsync(blockingCall, pool);
    }

    @Override
    public KinesisServiceClientConfiguration serviceClientConfiguration() {
        return client.serviceClientConfiguration();
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        client.close();
    }
}
