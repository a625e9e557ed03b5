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
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
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
 * which doubles the bytes copied and fills the young generation with large short-lived arrays. A
 * call goes to an idle thread if one waits, else to a new thread up to the limit, else it waits for
 * the next free one; threads stop after a minute idle, so a reader keeps about as many threads as
 * it has calls in flight (a plain pool with the limit as its core size starts a new thread per call
 * until it reaches the limit, 128 by default). Every other operation is unsupported.
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
                        0,
                        threads,
                        60,
                        TimeUnit.SECONDS,
                        new HandOffQueue(),
                        r -> {
                            Thread t =
                                    new Thread(
                                            r,
                                            "kinesis-fetch-" + id + "-" + count.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        },
                        (r, p) -> {
                            if (p.isShutdown()) {
                                throw new RejectedExecutionException("the client is closed");
                            }
                            ((HandOffQueue) p.getQueue()).put(r);
                        });
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

    /** Takes a task only when an idle thread is waiting for one, so the pool starts a new one. */
    private static final class HandOffQueue extends LinkedTransferQueue<Runnable> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean offer(Runnable task) {
            return tryTransfer(task);
        }
    }

    int largestPoolSize() {
        return pool.getLargestPoolSize();
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
