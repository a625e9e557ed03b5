package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.StreamRef;
import io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema;
import io.github.kinesisconsumer.source.split.ShardSplit;
import io.github.kinesisconsumer.store.CheckpointStoreFactory;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import java.time.Duration;
import java.time.Instant;

/**
 * Builder of {@link KinesisSource}. Stream, app name, client settings and deserializer are
 * required.
 */
@PublicEvolving
public final class KinesisSourceBuilder<T> {

    static final long STOP_AT_START = Long.MIN_VALUE;

    private String streamName;
    private String streamArn;
    private String appName;
    private ClientSettings clientSettings;
    private StartingPosition startingPosition;
    private CheckpointStoreFactory checkpointStore;
    private KinesisDeserializationSchema<T> deserializer;
    private final Configuration config = new Configuration();
    private Boundedness boundedness = Boundedness.CONTINUOUS_UNBOUNDED;
    private long stopAtArrivalMillis = ShardSplit.NO_STOP;

    KinesisSourceBuilder() {}

    /** The stream to read, by name (in the client's region). */
    public KinesisSourceBuilder<T> streamName(String streamName) {
        this.streamName = streamName;
        return this;
    }

    /** The stream to read, by ARN. */
    public KinesisSourceBuilder<T> streamArn(String streamArn) {
        this.streamArn = streamArn;
        return this;
    }

    /** The application's identity, for checkpoint stores and metrics. */
    public KinesisSourceBuilder<T> appName(String appName) {
        this.appName = appName;
        return this;
    }

    public KinesisSourceBuilder<T> clientSettings(ClientSettings clientSettings) {
        this.clientSettings = clientSettings;
        return this;
    }

    /**
     * Where shards present at the first start begin when Flink has no state for them: default
     * {@code fromStore(latest())} with a checkpoint store, else {@code latest()}. Shards that
     * appear later always start at TRIM_HORIZON.
     */
    public KinesisSourceBuilder<T> startingPosition(StartingPosition startingPosition) {
        this.startingPosition = startingPosition;
        return this;
    }

    /**
     * Mirrors the positions of each completed Flink checkpoint into a checkpoint store, and (with
     * the default starting position) starts from it when Flink has no state.
     */
    public KinesisSourceBuilder<T> checkpointStore(CheckpointStoreFactory checkpointStore) {
        this.checkpointStore = checkpointStore;
        return this;
    }

    public KinesisSourceBuilder<T> deserializer(KinesisDeserializationSchema<T> deserializer) {
        this.deserializer = deserializer;
        return this;
    }

    /** Bounded: reads the records that arrived before the job first started, then finishes. */
    public KinesisSourceBuilder<T> boundedAtJobStart() {
        this.boundedness = Boundedness.BOUNDED;
        this.stopAtArrivalMillis = STOP_AT_START;
        return this;
    }

    /** Bounded: reads the records that arrived before {@code stopAt}, then finishes. */
    public KinesisSourceBuilder<T> boundedAt(Instant stopAt) {
        if (stopAt == null) {
            throw new IllegalArgumentException("boundedAt needs a non-null instant");
        }
        this.boundedness = Boundedness.BOUNDED;
        this.stopAtArrivalMillis = stopAt.toEpochMilli();
        return this;
    }

    /** Unbounded (the default) or bounded at job start. */
    public KinesisSourceBuilder<T> boundedness(Boundedness boundedness) {
        if (boundedness == Boundedness.BOUNDED) {
            return boundedAtJobStart();
        }
        this.boundedness = Boundedness.CONTINUOUS_UNBOUNDED;
        this.stopAtArrivalMillis = ShardSplit.NO_STOP;
        return this;
    }

    public KinesisSourceBuilder<T> shardDiscoveryInterval(Duration interval) {
        return set(KinesisSourceOptions.SHARD_DISCOVERY_INTERVAL, interval);
    }

    public KinesisSourceBuilder<T> idlePollInterval(Duration interval) {
        return set(KinesisSourceOptions.IDLE_POLL_INTERVAL, interval);
    }

    /**
     * Skips records the deserializer throws on, instead of failing the job: each is logged at WARN
     * with its shard and sequence number and counted in {@code KinesisSource.numRecordsSkipped}.
     * Sets {@link KinesisSourceOptions#SKIP_UNDESERIALIZABLE_RECORDS}.
     */
    public KinesisSourceBuilder<T> skipUndeserializableRecords() {
        return set(KinesisSourceOptions.SKIP_UNDESERIALIZABLE_RECORDS, true);
    }

    /**
     * Reads by enhanced fan-out through the stream consumer {@code consumerName}, registered at job
     * start if missing (and then deregistered at job end). Sets {@link
     * KinesisSourceOptions#READER_TYPE} to EFO and {@link KinesisSourceOptions#EFO_CONSUMER_NAME}.
     */
    public KinesisSourceBuilder<T> enhancedFanOut(String consumerName) {
        set(KinesisSourceOptions.READER_TYPE, KinesisSourceOptions.ReaderType.EFO);
        return set(KinesisSourceOptions.EFO_CONSUMER_NAME, consumerName);
    }

    /** Sets any {@link KinesisSourceOptions} or {@link AwsOptions} option. */
    public <V> KinesisSourceBuilder<T> set(ConfigOption<V> option, V value) {
        config.set(option, value);
        return this;
    }

    /**
     * Takes every option of {@link KinesisSourceOptions} and {@link AwsOptions} present in {@code
     * configuration} (also under their deprecated {@code kinesis.source.*} keys). The AWS options
     * are used when no {@link #clientSettings} are given.
     */
    public KinesisSourceBuilder<T> configuration(Configuration configuration) {
        config.addAll(configuration);
        return this;
    }

    public KinesisSource<T> build() {
        StreamRef stream = StreamRef.of(streamName, streamArn);
        if (appName == null || appName.trim().isEmpty()) {
            throw new IllegalArgumentException(
                    "appName must not be blank: it names this application in checkpoint stores"
                            + " and metrics, e.g. appName(\"billing\")");
        }
        ClientSettings client = clientSettings;
        if (client == null && AwsClientSettings.anySet(config)) {
            client = AwsClientSettings.read(config, streamArn);
        }
        if (client == null) {
            throw new IllegalArgumentException(
                    "clientSettings are required: ClientSettings.builder().region(\"...\").build(),"
                            + " or set(AwsOptions.REGION, \"...\")");
        }
        StartingPosition start = startingPosition;
        if (start == null) {
            start =
                    checkpointStore != null
                            ? StartingPosition.fromStore(StartingPosition.latest())
                            : StartingPosition.latest();
        }
        if (start.type() == StartingPosition.Type.FROM_STORE && checkpointStore == null) {
            throw new IllegalArgumentException(
                    "startingPosition fromStore(..) needs a checkpoint store: call"
                            + " checkpointStore(..)");
        }
        if (deserializer == null) {
            throw new IllegalArgumentException(
                    "a deserializer is required, e.g."
                            + " deserializer(KinesisDeserializationSchema.of(new"
                            + " SimpleStringSchema()))");
        }
        SourceOptionChecks.check(config);
        return new KinesisSource<>(
                stream,
                appName,
                client,
                start,
                deserializer,
                new Configuration(config),
                boundedness,
                stopAtArrivalMillis,
                checkpointStore);
    }
}
