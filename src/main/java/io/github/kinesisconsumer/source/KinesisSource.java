package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.FanOutOptions;
import io.github.kinesisconsumer.kinesis.PollerOptions;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.StreamRef;
import io.github.kinesisconsumer.kinesis.read.PollerMetrics;
import io.github.kinesisconsumer.source.enumerator.KinesisEnumeratorState;
import io.github.kinesisconsumer.source.enumerator.KinesisEnumeratorStateSerializer;
import io.github.kinesisconsumer.source.enumerator.ShardEnumerator;
import io.github.kinesisconsumer.source.reader.KinesisSourceReaderFactory;
import io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema;
import io.github.kinesisconsumer.source.split.ShardSplit;
import io.github.kinesisconsumer.source.split.ShardSplitSerializer;
import io.github.kinesisconsumer.store.CheckpointStoreFactory;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import javax.annotation.Nullable;

/**
 * A Flink source (FLIP-27) that reads a Kinesis data stream.
 *
 * <pre>{@code
 * KinesisSource<String> source = KinesisSource.<String>builder()
 *     .streamName("orders")
 *     .appName("billing")
 *     .clientSettings(ClientSettings.builder().region("eu-west-1").build())
 *     .startingPosition(StartingPosition.trimHorizon())
 *     .deserializer(KinesisDeserializationSchema.of(new SimpleStringSchema()))
 *     .build();
 * env.fromSource(source, WatermarkStrategy.noWatermarks(), "kinesis");
 * }</pre>
 *
 * <p>The enumerator assigns shards as splits (parents before children); each reader polls its
 * shards concurrently. Positions are kept in Flink state, so a restore reads every record exactly
 * once into Flink state.
 *
 * @param <T> the type of the records produced
 */
@PublicEvolving
public final class KinesisSource<T>
        implements Source<T, ShardSplit, KinesisEnumeratorState>, ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;

    private final StreamRef stream;
    private final String appName;
    private final ClientSettings clientSettings;
    private final StartingPosition startingPosition;
    private final KinesisDeserializationSchema<T> deserializer;
    private final Configuration config;
    private final Boundedness boundedness;
    private final long stopAtArrivalMillis;
    @Nullable private final CheckpointStoreFactory checkpointStore;

    KinesisSource(
            StreamRef stream,
            String appName,
            ClientSettings clientSettings,
            StartingPosition startingPosition,
            KinesisDeserializationSchema<T> deserializer,
            Configuration config,
            Boundedness boundedness,
            long stopAtArrivalMillis,
            @Nullable CheckpointStoreFactory checkpointStore) {
        this.checkpointStore = checkpointStore;
        this.stream = stream;
        this.appName = appName;
        this.clientSettings = clientSettings;
        this.startingPosition = startingPosition;
        this.deserializer = deserializer;
        this.config = config;
        this.boundedness = boundedness;
        this.stopAtArrivalMillis = stopAtArrivalMillis;
    }

    public static <T> KinesisSourceBuilder<T> builder() {
        return new KinesisSourceBuilder<>();
    }

    @Override
    public Boundedness getBoundedness() {
        return boundedness;
    }

    public StreamRef stream() {
        return stream;
    }

    public String appName() {
        return appName;
    }

    public StartingPosition startingPosition() {
        return startingPosition;
    }

    /** Where and with which credentials the source calls Kinesis. */
    public ClientSettings clientSettings() {
        return clientSettings;
    }

    /** The effective {@link KinesisSourceOptions}. */
    public Configuration config() {
        return new Configuration(config);
    }

    /** The polling settings of {@code config}. */
    static PollerOptions pollerOptions(ReadableConfig config) {
        return PollerOptions.builder()
                .recordsPerCall(config.get(KinesisSourceOptions.GET_RECORDS_LIMIT))
                .callsPerSecondPerShard(
                        config.get(KinesisSourceOptions.GET_RECORDS_CALLS_PER_SECOND))
                .idlePollInterval(config.get(KinesisSourceOptions.IDLE_POLL_INTERVAL))
                .maxBufferedBytes(config.get(KinesisSourceOptions.MAX_BUFFERED_BYTES).getBytes())
                .failOnTrimmedPosition(config.get(KinesisSourceOptions.FAIL_ON_TRIMMED_POSITION))
                .build();
    }

    /**
     * The fan-out settings of {@code config}, or null when it reads by polling.
     *
     * @throws IllegalArgumentException when EFO is chosen without a valid consumer name or with bad
     *     durations
     */
    @Nullable
    static FanOutOptions fanOutOptions(ReadableConfig config) {
        String name = config.get(KinesisSourceOptions.EFO_CONSUMER_NAME);
        if (config.get(KinesisSourceOptions.READER_TYPE) != KinesisSourceOptions.ReaderType.EFO) {
            if (name != null) {
                throw new IllegalArgumentException(
                        "'"
                                + KinesisSourceOptions.EFO_CONSUMER_NAME.key()
                                + "' is set but '"
                                + KinesisSourceOptions.READER_TYPE.key()
                                + "' is POLLING: set it to EFO, or use enhancedFanOut(name)");
            }
            return null;
        }
        if (name == null) {
            throw new IllegalArgumentException(
                    "'"
                            + KinesisSourceOptions.READER_TYPE.key()
                            + "' is EFO but no consumer name is set: call enhancedFanOut(\"name\")"
                            + " or set '"
                            + KinesisSourceOptions.EFO_CONSUMER_NAME.key()
                            + "'");
        }
        return FanOutOptions.builder(name)
                .subscriptionHealthTimeout(
                        config.get(KinesisSourceOptions.EFO_SUBSCRIPTION_HEALTH_TIMEOUT))
                .closedShardProbeInterval(
                        config.get(KinesisSourceOptions.EFO_CLOSED_SHARD_PROBE_INTERVAL))
                .deregisterOnClose(config.get(KinesisSourceOptions.EFO_DEREGISTER_ON_CLOSE))
                .maxBufferedBytes(config.get(KinesisSourceOptions.MAX_BUFFERED_BYTES).getBytes())
                .failOnTrimmedPosition(config.get(KinesisSourceOptions.FAIL_ON_TRIMMED_POSITION))
                .build();
    }

    @Override
    public SourceReader<T, ShardSplit> createReader(SourceReaderContext readerContext)
            throws Exception {
        return KinesisSourceReaderFactory.create(
                readerContext,
                stream,
                clientSettings,
                pollerOptions(config),
                fanOutOptions(config),
                config.get(KinesisSourceOptions.DEAGGREGATION),
                deserializer,
                config,
                new PollerMetrics(),
                appName,
                checkpointStore);
    }

    @Override
    public SplitEnumerator<ShardSplit, KinesisEnumeratorState> createEnumerator(
            SplitEnumeratorContext<ShardSplit> enumContext) {
        return restoreEnumerator(enumContext, null);
    }

    @Override
    public SplitEnumerator<ShardSplit, KinesisEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<ShardSplit> enumContext, KinesisEnumeratorState checkpoint) {
        boolean bounded = boundedness == Boundedness.BOUNDED;
        long stopAt =
                !bounded
                        ? ShardSplit.NO_STOP
                        : stopAtArrivalMillis == KinesisSourceBuilder.STOP_AT_START
                                ? System.currentTimeMillis()
                                : stopAtArrivalMillis;
        return new ShardEnumerator(
                        enumContext,
                        stream,
                        clientSettings,
                        startingPosition,
                        appName,
                        checkpointStore,
                        config.get(KinesisSourceOptions.SHARD_DISCOVERY_INTERVAL),
                        bounded,
                        stopAt,
                        checkpoint,
                        fanOutOptions(config))
                .listShardsAttempts(config.get(KinesisSourceOptions.LIST_SHARDS_ATTEMPTS))
                .readerRegistrationTimeout(
                        config.get(KinesisSourceOptions.READER_REGISTRATION_TIMEOUT));
    }

    @Override
    public SimpleVersionedSerializer<ShardSplit> getSplitSerializer() {
        return new ShardSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KinesisEnumeratorState> getEnumeratorCheckpointSerializer() {
        return new KinesisEnumeratorStateSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return deserializer.getProducedType();
    }
}
