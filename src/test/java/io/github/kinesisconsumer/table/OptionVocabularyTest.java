package io.github.kinesisconsumer.table;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.source.AwsClientSettings;
import io.github.kinesisconsumer.source.AwsOptions;
import io.github.kinesisconsumer.source.KinesisSource;
import io.github.kinesisconsumer.source.KinesisSourceBuilder;
import io.github.kinesisconsumer.source.KinesisSourceOptions;
import io.github.kinesisconsumer.source.SourceOptionChecks;

import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.regions.Region;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * One vocabulary: every source and AWS option is a key of the SQL connector and of the builder, a
 * value means the same through both, and a bad value is rejected with the same message.
 */
class OptionVocabularyTest {

    /** A value other than the default for every source option. */
    private static Map<String, String> sourceSample() {
        Map<String, String> sample = new LinkedHashMap<>();
        sample.put("source.shard-discovery-interval", "3 s");
        sample.put("source.list-shards.attempts", "4");
        sample.put("source.reader-registration-timeout", "5 s");
        sample.put("source.fail-on-trimmed-position", "true");
        sample.put("source.get-records.limit", "500");
        sample.put("source.get-records.calls-per-second", "2.5");
        sample.put("source.idle-poll-interval", "50 ms");
        sample.put("source.max-buffered-bytes", "8 mb");
        sample.put("source.deaggregation", "false");
        sample.put("source.skip-undeserializable-records", "true");
        sample.put("source.reader.type", "EFO");
        sample.put("source.efo.consumer-name", "sql-consumer");
        sample.put("source.efo.subscription-health-timeout", "10 s");
        sample.put("source.efo.deregister-on-close", "false");
        sample.put("source.efo.closed-shard-probe-interval", "0 ms");
        return sample;
    }

    @Test
    void everyPublicOptionIsATableKeyAndHasASampleValue() throws Exception {
        List<ConfigOption<?>> declared = new ArrayList<>();
        declared.addAll(constants(KinesisSourceOptions.class));
        declared.addAll(constants(AwsOptions.class));
        assertThat(declared).hasSize(15 + 12);
        assertThat(new KinesisDynamicTableFactory().optionalOptions())
                .containsAll(declared)
                .containsAll(SourceOptionChecks.OPTIONS)
                .containsAll(AwsClientSettings.OPTIONS);
        assertThat(SourceOptionChecks.OPTIONS)
                .containsExactlyInAnyOrderElementsOf(constants(KinesisSourceOptions.class));
        assertThat(AwsClientSettings.OPTIONS)
                .containsExactlyInAnyOrderElementsOf(constants(AwsOptions.class));
        for (ConfigOption<?> option : SourceOptionChecks.OPTIONS) {
            assertThat(sourceSample()).as(option.key()).containsKey(option.key());
        }
    }

    @Test
    void everySourceOptionMeansTheSameInSqlAndOnTheBuilder() {
        assertSameSourceConfig(sourceSample());
    }

    @Test
    void theDeprecatedKinesisSourceKeysStillWorkInBoth() {
        Map<String, String> old = new LinkedHashMap<>();
        sourceSample().forEach((key, value) -> old.put("kinesis." + key, value));
        Configuration fromOld = assertSameSourceConfig(old);
        Configuration expected = Configuration.fromMap(sourceSample());
        for (ConfigOption<?> option : SourceOptionChecks.OPTIONS) {
            assertThat((Object) fromOld.get(option))
                    .as(option.key())
                    .isEqualTo(expected.get(option));
        }
    }

    private static Configuration assertSameSourceConfig(Map<String, String> keys) {
        Map<String, String> table = TableSources.validOptions();
        table.putAll(keys);
        Configuration sql =
                TableSources.create(table)
                        .settings()
                        .buildSource(of(new SimpleStringSchema()))
                        .config();
        Configuration builder = builder(keys).build().config();
        Configuration expected = Configuration.fromMap(sourceSample());
        for (ConfigOption<?> option : SourceOptionChecks.OPTIONS) {
            Object value = expected.get(option);
            assertThat(value).as(option.key()).isNotEqualTo(option.defaultValue());
            assertThat((Object) sql.get(option)).as("SQL " + option.key()).isEqualTo(value);
            assertThat((Object) builder.get(option)).as("builder " + option.key()).isEqualTo(value);
        }
        return builder;
    }

    static Stream<Arguments> badSourceValues() {
        return Stream.of(
                bad("source.get-records.limit", "0"),
                bad("source.get-records.limit", "10001"),
                bad("source.get-records.calls-per-second", "0"),
                bad("source.shard-discovery-interval", "-1 s"),
                bad("source.idle-poll-interval", "-5 ms"),
                bad("source.list-shards.attempts", "0"),
                bad("source.reader-registration-timeout", "-1 s"),
                bad("source.max-buffered-bytes", "0 b"),
                bad("source.efo.subscription-health-timeout", "0 s"),
                bad("source.efo.closed-shard-probe-interval", "-1 s"),
                bad("source.efo.consumer-name", "no-efo"),
                bad("source.reader.type", "EFO"),
                bad("kinesis.source.get-records.limit", "0"));
    }

    static Stream<Arguments> badAwsValues() {
        return Stream.of(
                bad("aws.region", "moon"),
                bad("aws.endpoint", "127.0.0.1:4567"),
                bad("aws.credentials.provider", "BASIC"),
                bad("aws.credentials.provider", "PROFILE"),
                bad("aws.credentials.provider", "ASSUME_ROLE"),
                bad("aws.credentials.provider.basic.secretkey", "s"),
                bad("aws.credentials.secret-access-key", "s"),
                bad("aws.credentials.provider.basic.accesskeyid", "k"),
                Arguments.of(
                        Map.of(
                                "aws.credentials.provider", "ASSUME_ROLE",
                                "aws.credentials.provider.role.arn", "arn:aws:iam::1:role/r",
                                "aws.credentials.provider.role.sessionName", "s",
                                "aws.credentials.provider.role.provider", "ASSUME_ROLE")),
                Arguments.of(
                        Map.of(
                                "aws.credentials.provider.profile.name", "p",
                                "aws.credentials.provider.basic.accesskeyid", "k",
                                "aws.credentials.provider.basic.secretkey", "s")));
    }

    private static Arguments bad(String key, String value) {
        return Arguments.of(Map.of(key, value));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"badSourceValues", "badAwsValues"})
    void aBadValueGetsTheSameMessageFromSqlAndFromTheBuilder(Map<String, String> keys) {
        Throwable fromBuilder = catchThrowable(() -> builder(keys).build());
        assertThat(fromBuilder).isInstanceOf(IllegalArgumentException.class);
        String message = fromBuilder.getMessage();
        assertThat(message).containsAnyOf("'source.", "'aws.");

        Map<String, String> table = TableSources.validOptions();
        table.remove("aws.cbor");
        table.putAll(keys);
        assertThatThrownBy(() -> TableSources.create(table))
                .satisfies(e -> assertThat(TableSources.messages(e)).contains(message));
    }

    @Test
    void awsOptionsGiveTheSameClientSettingsInSqlAndOnTheBuilder() {
        List<Map<String, String>> cases = new ArrayList<>();
        cases.add(Map.of());
        cases.add(
                Map.of(
                        "aws.credentials.provider.basic.accesskeyid", "AKID",
                        "aws.credentials.provider.basic.secretkey", "SECRET"));
        cases.add(
                Map.of(
                        "aws.credentials.access-key-id", "AKID",
                        "aws.credentials.secret-access-key", "SECRET"));
        cases.add(
                Map.of(
                        "aws.credentials.provider", "BASIC",
                        "aws.credentials.provider.basic.accesskeyid", "AKID",
                        "aws.credentials.provider.basic.secretkey", "SECRET",
                        "aws.credentials.provider.basic.sessiontoken", "TOKEN"));
        cases.add(Map.of("aws.credentials.provider.profile.name", "dev"));
        cases.add(Map.of("aws.credentials.profile", "dev"));
        cases.add(
                Map.of(
                        "aws.credentials.provider", "ASSUME_ROLE",
                        "aws.credentials.provider.role.arn", "arn:aws:iam::123456789012:role/r",
                        "aws.credentials.provider.role.sessionName", "flink",
                        "aws.credentials.provider.role.provider", "BASIC",
                        "aws.credentials.provider.basic.accesskeyid", "AKID",
                        "aws.credentials.provider.basic.secretkey", "SECRET",
                        "aws.credentials.provider.role.sts-endpoint", "http://127.0.0.1:1"));
        List<String> seen = new ArrayList<>();
        List<AwsCredentials> resolved = new ArrayList<>();
        for (Map<String, String> keys : cases) {
            Map<String, String> table = TableSources.validOptions();
            table.putAll(keys);
            ClientSettings client = TableSources.create(table).settings().clientSettings();
            String sql = client.toString();
            if (client.credentials().toString().startsWith("basic")) {
                resolved.add(
                        client.credentials().createProvider(Region.US_EAST_1).resolveCredentials());
            }
            Map<String, String> all = new HashMap<>(keys);
            all.put("aws.region", "us-east-1");
            all.put("aws.endpoint", "http://127.0.0.1:4569");
            all.put("aws.cbor", "false");
            String fromBuilder = builder(all).build().clientSettings().toString();
            assertThat(fromBuilder).as(keys.toString()).isEqualTo(sql).doesNotContain("SECRET");
            seen.add(sql);
        }
        assertThat(seen.get(0)).contains("credentials=default-chain");
        assertThat(seen.get(1)).contains("AKID").isEqualTo(seen.get(2));
        assertThat(seen.get(3)).contains("AKID").doesNotContain("TOKEN");
        assertThat(seen.get(4)).contains("dev").isEqualTo(seen.get(5));
        assertThat(seen.get(6)).contains("assume-role(arn:aws:iam::123456789012:role/r)");
        assertThat(resolved).hasSize(3);
        assertThat(resolved.get(0)).isNotInstanceOf(AwsSessionCredentials.class);
        assertThat(resolved.get(2)).isInstanceOf(AwsSessionCredentials.class);
        assertThat(((AwsSessionCredentials) resolved.get(2)).sessionToken()).isEqualTo("TOKEN");
    }

    @Test
    void theBuilderTakesTheRegionFromTheStreamArnLikeSql() {
        Map<String, String> keys = Map.of("aws.endpoint", "http://127.0.0.1:4569");
        KinesisSource<String> source =
                KinesisSource.<String>builder()
                        .streamArn("arn:aws:kinesis:eu-west-1:123456789012:stream/orders")
                        .appName("billing")
                        .configuration(Configuration.fromMap(keys))
                        .deserializer(of(new SimpleStringSchema()))
                        .build();
        assertThat(source.clientSettings().region()).isEqualTo("eu-west-1");
    }

    private static KinesisSourceBuilder<String> builder(Map<String, String> keys) {
        Map<String, String> all = new HashMap<>(keys);
        all.putIfAbsent("aws.region", "us-east-1");
        return KinesisSource.<String>builder()
                .streamName("orders")
                .appName("billing")
                .configuration(Configuration.fromMap(all))
                .deserializer(of(new SimpleStringSchema()));
    }

    private static List<ConfigOption<?>> constants(Class<?> holder) throws Exception {
        List<ConfigOption<?>> options = new ArrayList<>();
        for (Field field : holder.getFields()) {
            if (Modifier.isStatic(field.getModifiers())
                    && ConfigOption.class.isAssignableFrom(field.getType())) {
                options.add((ConfigOption<?>) field.get(null));
            }
        }
        return options;
    }
}
