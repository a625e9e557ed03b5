package io.github.kinesisconsumer.source.reader;

import io.github.kinesisconsumer.annotation.Internal;
import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.FanOutOptions;
import io.github.kinesisconsumer.kinesis.PollerOptions;
import io.github.kinesisconsumer.kinesis.StreamRef;
import io.github.kinesisconsumer.kinesis.read.PollerMetrics;
import io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema;
import io.github.kinesisconsumer.store.CheckpointStoreFactory;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.UserCodeClassLoader;

import javax.annotation.Nullable;

/** Wires a {@link KinesisSourceReader}: split reader, emitter, opened deserializer, metrics. */
@Internal
public final class KinesisSourceReaderFactory {

    private KinesisSourceReaderFactory() {}

    public static <T> KinesisSourceReader<T> create(
            SourceReaderContext context,
            StreamRef stream,
            ClientSettings clientSettings,
            PollerOptions pollerOptions,
            @Nullable FanOutOptions fanOutOptions,
            boolean deaggregate,
            KinesisDeserializationSchema<T> deserializer,
            Configuration config,
            PollerMetrics metrics,
            String appName,
            @Nullable CheckpointStoreFactory checkpointStore)
            throws Exception {
        deserializer.open(
                new DeserializationSchema.InitializationContext() {
                    @Override
                    public MetricGroup getMetricGroup() {
                        return context.metricGroup().addGroup("deserializer");
                    }

                    @Override
                    public UserCodeClassLoader getUserCodeClassLoader() {
                        return context.getUserCodeClassLoader();
                    }
                });
        CheckpointMirror mirror =
                checkpointStore == null
                        ? null
                        : new CheckpointMirror(
                                checkpointStore,
                                appName,
                                stream.name(),
                                context.metricGroup().addGroup("KinesisSource"),
                                context.getIndexOfSubtask());
        return new KinesisSourceReader<>(
                () ->
                        new ShardSplitReader(
                                stream,
                                clientSettings,
                                pollerOptions,
                                fanOutOptions,
                                deaggregate,
                                metrics),
                new KinesisRecordEmitter<>(
                        deserializer,
                        config.get(ReaderOptions.SKIP_UNDESERIALIZABLE_RECORDS),
                        context.metricGroup()
                                .addGroup("KinesisSource")
                                .counter(KinesisRecordEmitter.SKIPPED_METRIC)),
                config,
                context,
                metrics,
                mirror);
    }
}
