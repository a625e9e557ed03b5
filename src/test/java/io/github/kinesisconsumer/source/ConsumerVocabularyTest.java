package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.FanOutOptions;
import io.github.kinesisconsumer.kinesis.PollerOptions;
import io.github.kinesisconsumer.table.KinesisConnectorOptions;
import io.github.kinesisconsumer.testing.ConsumerEquivalents;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

/**
 * The standalone consumer takes no Flink configuration, but every reader setting a Flink key makes,
 * the consumer makes with the call the configuration reference names: the same value ends in the
 * same {@link PollerOptions} or {@link FanOutOptions}.
 */
class ConsumerVocabularyTest {

    @Test
    void everyKeyNamesWhatTheConsumerDoesInstead() throws Exception {
        Set<String> keys = new HashSet<>();
        for (Class<?> holder :
                new Class<?>[] {
                    KinesisSourceOptions.class, AwsOptions.class, KinesisConnectorOptions.class
                }) {
            for (Field field : holder.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())
                        && ConfigOption.class.isAssignableFrom(field.getType())) {
                    String key = ((ConfigOption<?>) field.get(null)).key();
                    keys.add(key);
                    assertDoesNotThrow(() -> ConsumerEquivalents.of(key), key);
                }
            }
        }
        assertThat(keys).containsAll(ConsumerEquivalents.BY_KEY.keySet());
    }

    static Stream<Arguments> pollingSettings() {
        return Stream.of(
                polling("source.get-records.limit", "123", b -> b.recordsPerCall(123)),
                polling(
                        "source.get-records.calls-per-second",
                        "2.5",
                        b -> b.callsPerSecondPerShard(2.5)),
                polling(
                        "source.idle-poll-interval",
                        "350 ms",
                        b -> b.idlePollInterval(Duration.ofMillis(350))),
                polling(
                        "source.max-buffered-bytes",
                        "8 mb",
                        b -> b.maxBufferedBytes(8L * 1024 * 1024)),
                polling(
                        "source.fail-on-trimmed-position",
                        "true",
                        b -> b.failOnTrimmedPosition(true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pollingSettings")
    void aPollingSettingLandsWhereTheKeyPutsIt(
            String key, String value, UnaryOperator<PollerOptions.Builder> consumerCall) {
        PollerOptions fromKey =
                KinesisSource.pollerOptions(Configuration.fromMap(Map.of(key, value)));
        PollerOptions fromCall = consumerCall.apply(PollerOptions.builder()).build();

        assertThat(fromKey).hasToString(fromCall.toString());
        assertThat(fromKey).doesNotHaveToString(PollerOptions.defaults().toString());
    }

    static Stream<Arguments> fanOutSettings() {
        return Stream.of(
                fanOut(
                        "source.efo.subscription-health-timeout",
                        "45 s",
                        b -> b.subscriptionHealthTimeout(Duration.ofSeconds(45))),
                fanOut("source.efo.deregister-on-close", "false", b -> b.deregisterOnClose(false)),
                fanOut(
                        "source.efo.closed-shard-probe-interval",
                        "0 s",
                        b -> b.closedShardProbeInterval(Duration.ZERO)),
                fanOut("source.max-buffered-bytes", "8 mb", b -> b.maxBufferedBytes(8L << 20)),
                fanOut(
                        "source.fail-on-trimmed-position",
                        "true",
                        b -> b.failOnTrimmedPosition(true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fanOutSettings")
    void aFanOutSettingLandsWhereTheKeyPutsIt(
            String key, String value, UnaryOperator<FanOutOptions.Builder> consumerCall) {
        Map<String, String> options = new HashMap<>();
        options.put("source.reader.type", "EFO");
        options.put("source.efo.consumer-name", "billing");
        options.put(key, value);
        FanOutOptions fromKey = KinesisSource.fanOutOptions(Configuration.fromMap(options));
        FanOutOptions fromCall = consumerCall.apply(FanOutOptions.builder("billing")).build();

        assertThat(fromKey).hasToString(fromCall.toString());
        assertThat(fromKey)
                .doesNotHaveToString(FanOutOptions.builder("billing").build().toString());
    }

    @Test
    void defaultsAreTheSameOnBothSides() {
        Map<String, String> efo =
                Map.of("source.reader.type", "EFO", "source.efo.consumer-name", "c");

        assertThat(KinesisSource.pollerOptions(new Configuration()))
                .hasToString(PollerOptions.defaults().toString());
        assertThat(KinesisSource.fanOutOptions(Configuration.fromMap(efo)))
                .hasToString(FanOutOptions.builder("c").build().toString());
    }

    private static Arguments polling(
            String key, String value, UnaryOperator<PollerOptions.Builder> call) {
        return Arguments.of(key, value, call);
    }

    private static Arguments fanOut(
            String key, String value, UnaryOperator<FanOutOptions.Builder> call) {
        return Arguments.of(key, value, call);
    }
}
