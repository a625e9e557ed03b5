package io.github.kinesisconsumer.table;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.KinesisSource;
import io.github.kinesisconsumer.source.KinesisSourceBuilder;
import io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema;

import org.apache.flink.configuration.Configuration;

import javax.annotation.Nullable;

import java.time.Instant;

/** What a table's options say about the source, validated; builds the {@link KinesisSource}. */
final class KinesisTableSettings {

    @Nullable private final String streamName;
    @Nullable private final String streamArn;
    private final String appName;
    private final ClientSettings clientSettings;
    private final StartingPosition startingPosition;
    @Nullable private final CheckpointStoreSettings checkpointStore;
    private final BoundedMode boundedMode;
    @Nullable private final Instant stopAt;
    private final Configuration sourceOptions;

    KinesisTableSettings(
            @Nullable String streamName,
            @Nullable String streamArn,
            String appName,
            ClientSettings clientSettings,
            StartingPosition startingPosition,
            @Nullable CheckpointStoreSettings checkpointStore,
            BoundedMode boundedMode,
            @Nullable Instant stopAt,
            Configuration sourceOptions) {
        this.streamName = streamName;
        this.streamArn = streamArn;
        this.appName = appName;
        this.clientSettings = clientSettings;
        this.startingPosition = startingPosition;
        this.checkpointStore = checkpointStore;
        this.boundedMode = boundedMode;
        this.stopAt = stopAt;
        this.sourceOptions = sourceOptions;
    }

    /** The stream name or ARN, for plan and operator names. */
    public String streamDescription() {
        return streamName != null ? streamName : streamArn;
    }

    public ClientSettings clientSettings() {
        return clientSettings;
    }

    public StartingPosition startingPosition() {
        return startingPosition;
    }

    /** The checkpoint store, or null without one. */
    @Nullable
    public CheckpointStoreSettings checkpointStore() {
        return checkpointStore;
    }

    public boolean bounded() {
        return boundedMode != BoundedMode.UNBOUNDED;
    }

    /** A source that decodes records with {@code deserializer}. */
    public <T> KinesisSource<T> buildSource(KinesisDeserializationSchema<T> deserializer) {
        KinesisSourceBuilder<T> builder =
                KinesisSource.<T>builder()
                        .streamName(streamName)
                        .streamArn(streamArn)
                        .appName(appName)
                        .clientSettings(clientSettings)
                        .startingPosition(startingPosition)
                        .checkpointStore(checkpointStore)
                        .configuration(sourceOptions)
                        .deserializer(deserializer);
        if (boundedMode == BoundedMode.JOB_START) {
            builder.boundedAtJobStart();
        } else if (boundedMode == BoundedMode.TIMESTAMP) {
            builder.boundedAt(stopAt);
        }
        return builder.build();
    }
}
