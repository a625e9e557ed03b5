package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.annotation.Internal;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.util.TimeUtils;

import java.time.Duration;
import java.util.List;

/**
 * The one check of {@link KinesisSourceOptions} values, used by the builder and the SQL connector
 * so both reject a value with the same message, naming the key.
 */
@Internal
public final class SourceOptionChecks {

    /** Every reader and enumerator option, for the table factory's list of accepted keys. */
    public static final List<ConfigOption<?>> OPTIONS =
            List.of(
                    KinesisSourceOptions.SHARD_DISCOVERY_INTERVAL,
                    KinesisSourceOptions.LIST_SHARDS_ATTEMPTS,
                    KinesisSourceOptions.READER_REGISTRATION_TIMEOUT,
                    KinesisSourceOptions.FAIL_ON_TRIMMED_POSITION,
                    KinesisSourceOptions.GET_RECORDS_LIMIT,
                    KinesisSourceOptions.GET_RECORDS_CALLS_PER_SECOND,
                    KinesisSourceOptions.IDLE_POLL_INTERVAL,
                    KinesisSourceOptions.MAX_BUFFERED_BYTES,
                    KinesisSourceOptions.DEAGGREGATION,
                    KinesisSourceOptions.SKIP_UNDESERIALIZABLE_RECORDS,
                    KinesisSourceOptions.READER_TYPE,
                    KinesisSourceOptions.EFO_CONSUMER_NAME,
                    KinesisSourceOptions.EFO_SUBSCRIPTION_HEALTH_TIMEOUT,
                    KinesisSourceOptions.EFO_DEREGISTER_ON_CLOSE,
                    KinesisSourceOptions.EFO_CLOSED_SHARD_PROBE_INTERVAL);

    private SourceOptionChecks() {}

    /**
     * Checks every value.
     *
     * @throws IllegalArgumentException naming the option at fault
     */
    public static void check(ReadableConfig config) {
        notNegative(config, KinesisSourceOptions.SHARD_DISCOVERY_INTERVAL);
        notNegative(config, KinesisSourceOptions.READER_REGISTRATION_TIMEOUT);
        notNegative(config, KinesisSourceOptions.IDLE_POLL_INTERVAL);
        notNegative(config, KinesisSourceOptions.EFO_CLOSED_SHARD_PROBE_INTERVAL);
        Duration health = config.get(KinesisSourceOptions.EFO_SUBSCRIPTION_HEALTH_TIMEOUT);
        if (health.isNegative() || health.isZero()) {
            throw invalid(KinesisSourceOptions.EFO_SUBSCRIPTION_HEALTH_TIMEOUT, "> 0", health);
        }
        int attempts = config.get(KinesisSourceOptions.LIST_SHARDS_ATTEMPTS);
        if (attempts < 1) {
            throw invalid(KinesisSourceOptions.LIST_SHARDS_ATTEMPTS, ">= 1", attempts);
        }
        int limit = config.get(KinesisSourceOptions.GET_RECORDS_LIMIT);
        if (limit < 1 || limit > 10_000) {
            throw invalid(KinesisSourceOptions.GET_RECORDS_LIMIT, "in 1..10000", limit);
        }
        double calls = config.get(KinesisSourceOptions.GET_RECORDS_CALLS_PER_SECOND);
        if (!(calls > 0) || Double.isInfinite(calls)) {
            throw invalid(KinesisSourceOptions.GET_RECORDS_CALLS_PER_SECOND, "> 0", calls);
        }
        MemorySize buffered = config.get(KinesisSourceOptions.MAX_BUFFERED_BYTES);
        if (buffered.getBytes() < 1) {
            throw invalid(KinesisSourceOptions.MAX_BUFFERED_BYTES, "> 0", buffered);
        }
        KinesisSource.fanOutOptions(config);
    }

    /** The options of {@link #OPTIONS} that {@code options} sets, under their current keys. */
    public static Configuration copy(ReadableConfig options) {
        Configuration config = new Configuration();
        for (ConfigOption<?> option : OPTIONS) {
            copy(options, config, option);
        }
        return config;
    }

    private static <V> void copy(ReadableConfig from, Configuration to, ConfigOption<V> option) {
        from.getOptional(option).ifPresent(value -> to.set(option, value));
    }

    private static void notNegative(ReadableConfig config, ConfigOption<Duration> option) {
        Duration value = config.get(option);
        if (value.isNegative()) {
            throw invalid(option, ">= 0", value);
        }
    }

    private static IllegalArgumentException invalid(
            ConfigOption<?> option, String rule, Object value) {
        Object shown =
                value instanceof Duration
                        ? TimeUtils.formatWithHighestUnit((Duration) value)
                        : value;
        return new IllegalArgumentException(
                "'" + option.key() + "' must be " + rule + ", but was " + shown + ".");
    }
}
