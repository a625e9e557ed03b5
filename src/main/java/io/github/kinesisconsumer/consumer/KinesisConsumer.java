package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.group.ConsumerGroup;
import io.github.kinesisconsumer.kinesis.Backoff;
import io.github.kinesisconsumer.kinesis.FanOutOptions;
import io.github.kinesisconsumer.kinesis.PollerOptions;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.StreamRef;
import io.github.kinesisconsumer.kinesis.discovery.StreamConsumerRegistrar;
import io.github.kinesisconsumer.kinesis.read.PollerMetrics;
import io.github.kinesisconsumer.kinesis.read.ShardReader;
import io.github.kinesisconsumer.store.CheckpointStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Reads a Kinesis stream outside Flink, with the scan semantics of harlow/kinesis-consumer, and
 * checkpoints into a {@link CheckpointStore} shared with the Flink source.
 *
 * <pre>{@code
 * try (KinesisConsumer consumer = KinesisConsumer.builder()
 *         .streamName("orders").appName("billing")
 *         .clientSettings(settings).checkpointStore(store)
 *         .build()) {
 *     consumer.scan(record -> {
 *         handle(record);
 *         return ScanResult.CONTINUE;
 *     });
 * }
 * }</pre>
 *
 * <p>A scan blocks until a callback returns {@link ScanResult#STOP}, a callback throws (the scan
 * stops and rethrows what it threw, with a suppressed exception naming the shard and sequence
 * number), {@link #close()} is called from another thread, or the calling thread is interrupted.
 * Before it returns, the positions of processed records are written and the store is flushed. One
 * scan at a time per consumer.
 */
@PublicEvolving
public final class KinesisConsumer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KinesisConsumer.class);

    private final KinesisConsumerBuilder config;
    private final KinesisAsyncClient client;
    private final KinesisAsyncClient pollingClient;
    private final StreamRef stream;
    private final PollerOptions pollerOptions;

    private final FanOutOptions fanOut;
    private StreamConsumerRegistrar.Registration registration;

    private volatile ScanRun current;
    private volatile CountDownLatch currentDone;
    private volatile boolean closed;
    private final boolean ownsClients;
    private final ScanMetrics metrics = new ScanMetrics();

    KinesisConsumer(KinesisConsumerBuilder config, StreamRef stream, PollerOptions pollerOptions) {
        this.config = config;
        this.stream = stream;
        this.pollerOptions = pollerOptions;
        this.fanOut = config.fanOutOptions();
        this.ownsClients = config.client() == null;
        if (!ownsClients) {
            this.pollingClient = config.client();
            this.client = config.client();
        } else {
            this.pollingClient =
                    fanOut == null
                            ? config.clientSettings().createPollingClient()
                            : config.clientSettings().createAsyncClient(Protocol.HTTP2);
            // polling needs no second HTTP stack: ListShards goes through the blocking client too
            this.client =
                    fanOut == null ? pollingClient : config.clientSettings().createAsyncClient();
        }
        metrics.register(config.appName(), stream.name());
    }

    public static KinesisConsumerBuilder builder() {
        return new KinesisConsumerBuilder();
    }

    /**
     * Records delivered and checkpoints written so far; also over JMX while the consumer is open.
     */
    public ScanMetricsMXBean metrics() {
        return metrics;
    }

    /** Scans all shards concurrently (per shard in order), following new shards. */
    public void scan(ScanFunction fn) throws Exception {
        requireNonNull(fn, "scan function");
        run(new ScanRun(this, () -> new RecordScanHandler(fn), null, tickNanos(null)));
    }

    /** Scans one shard until it ends (or the scan is stopped). */
    public void scanShard(String shardId, ScanFunction fn) throws Exception {
        requireNonNull(fn, "scan function");
        if (shardId == null || shardId.isEmpty()) {
            throw new IllegalArgumentException("shardId must not be empty");
        }
        run(new ScanRun(this, () -> new RecordScanHandler(fn), shardId, tickNanos(null)));
    }

    /** {@link #scanBatch(BatchFunction, BatchOptions)} with {@link BatchOptions#defaults()}. */
    public void scanBatch(BatchFunction fn) throws Exception {
        scanBatch(fn, BatchOptions.defaults());
    }

    /**
     * Scans all shards, delivering per-shard batches bounded by {@code options}; batches are never
     * delivered concurrently, and a shard's checkpoint advances only after its batch callback
     * returned. On {@link #close()}, batches being collected are delivered before the scan returns.
     */
    public void scanBatch(BatchFunction fn, BatchOptions options) throws Exception {
        requireNonNull(fn, "batch function");
        requireNonNull(options, "batch options");
        Object lock = new Object();
        run(
                new ScanRun(
                        this,
                        () -> new BatchScanHandler(fn, options, lock),
                        null,
                        tickNanos(options)));
    }

    private static long tickNanos(BatchOptions options) {
        long base = TimeUnit.MILLISECONDS.toNanos(100);
        if (options == null) {
            return base;
        }
        return Math.max(
                TimeUnit.MILLISECONDS.toNanos(5),
                Math.min(base, options.flushInterval().toNanos() / 4));
    }

    private synchronized void begin(ScanRun run) {
        if (closed) {
            throw new IllegalStateException("this consumer is closed");
        }
        if (current != null) {
            throw new IllegalStateException("a scan is already running on this consumer");
        }
        current = run;
        currentDone = new CountDownLatch(1);
    }

    private void run(ScanRun run) throws Exception {
        begin(run);
        try {
            run.run();
        } finally {
            CountDownLatch done = currentDone;
            synchronized (this) {
                current = null;
            }
            done.countDown();
        }
    }

    /**
     * Stops a running scan cleanly (the scan method returns normally after writing checkpoints) and
     * releases the client. Waits for the scan to finish, up to the shutdown timeout.
     */
    @Override
    public void close() {
        ScanRun run;
        CountDownLatch done;
        synchronized (this) {
            closed = true;
            run = current;
            done = currentDone;
        }
        if (run != null) {
            run.requestStop();
            try {
                if (!done.await(
                        config.shutdownTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
                    LOG.warn("scan of {} did not stop within the shutdown timeout", stream);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        deregisterIfRegisteredHere();
        metrics.unregister();
        if (!ownsClients) {
            return;
        }
        if (client != pollingClient) {
            client.close();
        }
        pollingClient.close();
    }

    /**
     * The reader of a scan: a polling one, or with enhanced fan-out one that subscribes through the
     * consumer found or registered at the first scan.
     */
    ShardReader newShardReader() {
        if (fanOut == null) {
            return ShardReader.polling(pollingClient, stream, pollerOptions);
        }
        return ShardReader.fanOut(
                pollingClient,
                stream,
                CompletableFuture.completedFuture(consumerArn()),
                fanOut,
                new PollerMetrics());
    }

    private synchronized String consumerArn() {
        if (registration == null) {
            registration =
                    new StreamConsumerRegistrar(client, stream)
                            .registerIfMissing(fanOut.consumerName(), fanOut.registrationTimeout());
        }
        return registration.consumerArn();
    }

    private void deregisterIfRegisteredHere() {
        StreamConsumerRegistrar.Registration r;
        synchronized (this) {
            r = registration;
            registration = null;
        }
        if (r == null || !r.registeredHere() || !fanOut.deregisterOnClose()) {
            return;
        }
        try {
            new StreamConsumerRegistrar(client, stream).deregister(fanOut.consumerName());
        } catch (RuntimeException e) {
            LOG.warn(
                    "could not deregister stream consumer '{}' of stream {}; deregister it by hand",
                    fanOut.consumerName(),
                    stream,
                    e);
        }
    }

    private static void requireNonNull(Object o, String what) {
        if (o == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
    }

    KinesisAsyncClient client() {
        return client;
    }

    KinesisAsyncClient pollingClient() {
        return pollingClient;
    }

    StreamRef stream() {
        return stream;
    }

    String appName() {
        return config.appName();
    }

    CheckpointStore store() {
        return config.checkpointStore();
    }

    StartingPosition startingPosition() {
        return config.startingPosition();
    }

    PollerOptions pollerOptions() {
        return pollerOptions;
    }

    boolean deaggregate() {
        return config.deaggregate();
    }

    int callbackThreads() {
        return config.callbackThreads();
    }

    Duration discoveryInterval() {
        return config.discoveryInterval();
    }

    Duration shutdownTimeout() {
        return config.shutdownTimeout();
    }

    int checkpointAttempts() {
        return config.checkpointAttempts();
    }

    Backoff checkpointBackoff() {
        return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    ConsumerGroup group() {
        return config.group();
    }

    ShardClosedHandler shardClosedHandler() {
        return config.shardClosedHandler();
    }

    ScanMetrics scanMetrics() {
        return metrics;
    }

    ScanCounter counter() {
        return config.counter();
    }

    String clientSettingsDescription() {
        if (config.clientSettings() != null) {
            return config.clientSettings().describe();
        }
        var given = config.client().serviceClientConfiguration();
        return "the given client ("
                + given.endpointOverride().map(Object::toString).orElse("region " + given.region())
                + ")";
    }
}
