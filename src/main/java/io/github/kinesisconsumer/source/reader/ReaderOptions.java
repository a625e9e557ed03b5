package io.github.kinesisconsumer.source.reader;

import io.github.kinesisconsumer.annotation.Internal;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Options the reader reads itself. Users set them through {@link
 * io.github.kinesisconsumer.source.KinesisSourceOptions}, which re-exports each one; they live here
 * so that the reader never depends on the source package above it.
 */
@Internal
public final class ReaderOptions {

    private ReaderOptions() {}

    public static final ConfigOption<Boolean> SKIP_UNDESERIALIZABLE_RECORDS =
            ConfigOptions.key("source.skip-undeserializable-records")
                    .booleanType()
                    .defaultValue(false)
                    .withDeprecatedKeys("kinesis.source.skip-undeserializable-records")
                    .withDescription(
                            "When the deserializer throws, skip the record (logged at WARN with"
                                    + " its shard and sequence number, counted in the reader metric"
                                    + " KinesisSource.numRecordsSkipped) instead of failing the job."
                                    + " Values it emitted before throwing are kept.");
}
