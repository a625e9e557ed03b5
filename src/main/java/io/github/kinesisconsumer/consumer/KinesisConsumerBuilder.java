package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.group.ConsumerGroup;
import io.github.kinesisconsumer.group.DynamoDbLeaseGroup;
import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.Durations;
import io.github.kinesisconsumer.kinesis.FanOutOptions;
import io.github.kinesisconsumer.kinesis.PollerOptions;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.StreamRef;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.memory.InMemoryCheckpointStore;

import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import java.time.Duration;

/**
 * Builder of {@link KinesisConsumer}. Stream, app name and client settings (or a client) are
 * required.
 */
@PublicEvolving
public final class KinesisConsumerBuilder {

    private String streamName;
    private String streamArn;
    private String appName;
    private ClientSettings clientSettings;
    private CheckpointStore checkpointStore;
    private StartingPosition startingPosition = StartingPosition.latest();
    private PollerOptions pollerOptions = PollerOptions.defaults();
    private FanOutOptions fanOutOptions;
    private Duration discoveryInterval = Duration.ofSeconds(30);
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private int callbackThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
    private int checkpointAttempts = 5;
    private boolean deaggregate = true;
    private ShardClosedHandler shardClosedHandler;
    private ScanCounter counter;
    private KinesisAsyncClient client;
    private ConsumerGroup group;

    KinesisConsumerBuilder() {}

    public KinesisConsumerBuilder streamName(String streamName) {
        this.streamName = streamName;
        return this;
    }

    public KinesisConsumerBuilder streamArn(String streamArn) {
        this.streamArn = streamArn;
        return this;
    }

    /** Identity in the checkpoint store; the same app name as a Flink job resumes its work. */
    public KinesisConsumerBuilder appName(String appName) {
        this.appName = appName;
        return this;
    }

    public KinesisConsumerBuilder clientSettings(ClientSettings clientSettings) {
        this.clientSettings = clientSettings;
        return this;
    }

    /** Where checkpoints are kept; in memory (lost at exit) when not set. */
    public KinesisConsumerBuilder checkpointStore(CheckpointStore checkpointStore) {
        this.checkpointStore = checkpointStore;
        return this;
    }

    /**
     * Where shards without a stored checkpoint start (default LATEST); shards that appear while
     * scanning start at TRIM_HORIZON.
     */
    public KinesisConsumerBuilder startingPosition(StartingPosition startingPosition) {
        this.startingPosition = startingPosition;
        return this;
    }

    /** GetRecords limit, per-shard call budget, idle pause and buffer bound. */
    public KinesisConsumerBuilder pollerOptions(PollerOptions pollerOptions) {
        this.pollerOptions = pollerOptions;
        return this;
    }

    /**
     * Reads by enhanced fan-out through the stream consumer {@code consumerName}: registered at the
     * first scan if it does not exist, and then deregistered by {@link KinesisConsumer#close()}.
     */
    public KinesisConsumerBuilder enhancedFanOut(String consumerName) {
        return enhancedFanOut(FanOutOptions.builder(consumerName).build());
    }

    /**
     * Reads by enhanced fan-out with these settings (consumer name, subscription health timeout,
     * deregistration, buffer bound); null reads by polling again.
     */
    public KinesisConsumerBuilder enhancedFanOut(FanOutOptions options) {
        this.fanOutOptions = options;
        return this;
    }

    /** How often new shards are listed (default 30 s). */
    public KinesisConsumerBuilder discoveryInterval(Duration discoveryInterval) {
        this.discoveryInterval = discoveryInterval;
        return this;
    }

    /** How long a stop waits for running callbacks (default 30 s). */
    public KinesisConsumerBuilder shutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
        return this;
    }

    /** Threads that run callbacks; shards beyond this share them (default: cores, at least 2). */
    public KinesisConsumerBuilder callbackThreads(int callbackThreads) {
        this.callbackThreads = callbackThreads;
        return this;
    }

    /** Tries per checkpoint write, with backoff, before the scan stops with an error (5). */
    public KinesisConsumerBuilder checkpointAttempts(int checkpointAttempts) {
        this.checkpointAttempts = checkpointAttempts;
        return this;
    }

    public KinesisConsumerBuilder deaggregate(boolean deaggregate) {
        this.deaggregate = deaggregate;
        return this;
    }

    /** Called when a shard has been read to its end; replaces a {@link #shardClosedHandler}. */
    public KinesisConsumerBuilder onShardClosed(ShardClosedCallback callback) {
        return shardClosedHandler(
                callback == null ? null : (stream, shardId) -> callback.shardClosed(shardId));
    }

    /**
     * Called when a shard has been read to its end, with the stream's name; throwing fails the scan
     * (Go's {@code WithShardClosedHandler}). Replaces an {@link #onShardClosed} callback.
     */
    public KinesisConsumerBuilder shardClosedHandler(ShardClosedHandler handler) {
        this.shardClosedHandler = handler;
        return this;
    }

    /** Told of every record delivered and every checkpoint written (Go's {@code WithCounter}). */
    public KinesisConsumerBuilder counter(ScanCounter counter) {
        this.counter = counter;
        return this;
    }

    /**
     * Reads through this client instead of one built from {@link #clientSettings} (Go's {@code
     * WithClient}): for custom clients, proxies and tests. The consumer never closes it. With
     * enhanced fan-out it must speak HTTP/2. Set this or client settings, not both.
     */
    public KinesisConsumerBuilder client(KinesisAsyncClient client) {
        this.client = client;
        return this;
    }

    /**
     * Shares the stream's shards with the other workers of a group: {@link #build()} then reads
     * only the shards this worker holds a lease for. {@code scanShard} ignores the group.
     */
    public KinesisConsumerBuilder group(ConsumerGroup group) {
        this.group = group;
        return this;
    }

    /** Shorthand for {@code group(builder.build())}. */
    public KinesisConsumerBuilder group(DynamoDbLeaseGroup.Builder builder) {
        return group(builder.build());
    }

    public KinesisConsumer build() {
        StreamRef stream = StreamRef.of(streamName, streamArn);
        if (appName == null || appName.trim().isEmpty()) {
            throw new IllegalArgumentException(
                    "appName must not be blank: it names this application in the checkpoint"
                            + " store, e.g. appName(\"billing\")");
        }
        if (clientSettings == null && client == null) {
            throw new IllegalArgumentException(
                    "clientSettings are required: ClientSettings.builder().region(\"...\").build()"
                            + " (or a client of your own: client(kinesisAsyncClient))");
        }
        if (clientSettings != null && client != null) {
            throw new IllegalArgumentException(
                    "set clientSettings or client, not both: a given client is used as it is");
        }
        if (startingPosition == null
                || startingPosition.type() == StartingPosition.Type.FROM_STORE) {
            throw new IllegalArgumentException(
                    "startingPosition must be latest(), trimHorizon(), atTimestamp(..) or a"
                            + " sequence position; the store is always consulted first");
        }
        if (startingPosition.type() == StartingPosition.Type.PER_SHARD) {
            throw new IllegalArgumentException(
                    "the consumer starts per shard from its checkpoint store: write the positions"
                            + " there (MigrationPlan.writeTo(..) or scripts/migrate-positions.sh)"
                            + " and give the fallback as startingPosition");
        }
        Durations.requirePositive(discoveryInterval, "discoveryInterval");
        Durations.requirePositive(shutdownTimeout, "shutdownTimeout");
        if (callbackThreads < 1) {
            throw new IllegalArgumentException(
                    "callbackThreads must be >= 1, but was " + callbackThreads);
        }
        if (checkpointAttempts < 1) {
            throw new IllegalArgumentException(
                    "checkpointAttempts must be >= 1, but was " + checkpointAttempts);
        }
        if (pollerOptions == null) {
            throw new IllegalArgumentException("pollerOptions must not be null");
        }
        if (checkpointStore == null) {
            checkpointStore = new InMemoryCheckpointStore();
        }
        return new KinesisConsumer(this, stream, pollerOptions);
    }

    String appName() {
        return appName;
    }

    FanOutOptions fanOutOptions() {
        return fanOutOptions;
    }

    ClientSettings clientSettings() {
        return clientSettings;
    }

    CheckpointStore checkpointStore() {
        return checkpointStore;
    }

    StartingPosition startingPosition() {
        return startingPosition;
    }

    boolean deaggregate() {
        return deaggregate;
    }

    int callbackThreads() {
        return callbackThreads;
    }

    Duration discoveryInterval() {
        return discoveryInterval;
    }

    Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    int checkpointAttempts() {
        return checkpointAttempts;
    }

    ConsumerGroup group() {
        return group;
    }

    ShardClosedHandler shardClosedHandler() {
        return shardClosedHandler;
    }

    ScanCounter counter() {
        return counter;
    }

    KinesisAsyncClient client() {
        return client;
    }
}
