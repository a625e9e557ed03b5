package io.github.kinesisconsumer.kinesis.read;

import io.github.kinesisconsumer.annotation.Internal;
import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.FanOutOptions;
import io.github.kinesisconsumer.kinesis.KinesisCallException;
import io.github.kinesisconsumer.kinesis.PollerOptions;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.StreamRef;

import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads many shards of one stream into one bounded buffer of {@link FetchResult}s: by polling
 * ({@link #polling}) or by enhanced fan-out subscriptions ({@link #fanOut}). Results of one shard
 * come out in order; a result with {@link FetchResult#isShardEnd()} is the shard's last.
 */
@Internal
public interface ShardReader extends AutoCloseable {

    /**
     * A reader that polls with GetRecords through {@code client} (for Kinesis, {@link
     * ClientSettings#createPollingClient()}), counting into {@code metrics}.
     */
    static ShardReader polling(
            KinesisAsyncClient client,
            StreamRef stream,
            PollerOptions options,
            PollerMetrics metrics) {
        return new ShardReadingEngine<>(
                client,
                stream,
                new GetRecordsTransport(client, options),
                "polling",
                GetRecordsTransport.Cursor::new,
                options.backoff(),
                options.maxBufferedBytes(),
                options.failOnTrimmedPosition(),
                metrics);
    }

    /**
     * {@link #polling(KinesisAsyncClient, StreamRef, PollerOptions, PollerMetrics)} with new
     * metrics.
     */
    static ShardReader polling(KinesisAsyncClient client, StreamRef stream, PollerOptions options) {
        return polling(client, stream, options, new PollerMetrics());
    }

    /**
     * A reader that subscribes with SubscribeToShard through the stream consumer whose ARN {@code
     * consumerArn} yields; shards added before it is known are subscribed once it is. If it fails,
     * {@link #poll} throws.
     */
    static ShardReader fanOut(
            KinesisAsyncClient client,
            StreamRef stream,
            CompletableFuture<String> consumerArn,
            FanOutOptions options,
            PollerMetrics metrics) {
        return new ShardReadingEngine<>(
                client,
                stream,
                new SubscribeToShardTransport(client, consumerArn, options),
                "fan-out",
                SubscribeToShardTransport.Line::new,
                options.backoff(),
                options.maxBufferedBytes(),
                options.failOnTrimmedPosition(),
                metrics);
    }

    /** Starts reading {@code shardId} from {@code position}. */
    void addShard(String shardId, StartingPosition position);

    /** Stops reading a shard; results already read for it may still come out of poll. */
    void removeShard(String shardId);

    /** Stops fetching a shard until {@link #resume}; the shard keeps its position. */
    void pause(String shardId);

    /** Resumes a shard paused with {@link #pause}. */
    void resume(String shardId);

    /**
     * Waits up to {@code timeout} for results, then returns all that are ready (maybe none, on
     * timeout or {@link #wakeup()}); their bytes leave the buffer at once.
     *
     * @throws KinesisCallException when a shard failed with an error that is not retried
     */
    List<FetchResult> poll(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Like {@link #poll}, but the bytes of the returned results stay counted against the buffer
     * bound until {@link #release released}.
     */
    List<FetchResult> pollHeld(long timeout, TimeUnit unit) throws InterruptedException;

    /** Gives back the bytes of results taken with {@link #pollHeld}. */
    void release(long bytes);

    /** Makes a blocked poll return at once. */
    void wakeup();

    /** Bytes read and not yet taken (or taken with {@link #pollHeld} and not released). */
    long bufferedBytes();

    /** The reader's counters. */
    PollerMetrics metrics();

    @Override
    void close();
}
