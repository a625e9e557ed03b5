package io.github.kinesisconsumer.table;

import io.github.kinesisconsumer.source.AwsOptions;
import io.github.kinesisconsumer.source.KinesisSourceOptions;
import io.github.kinesisconsumer.testing.ConsumerEquivalents;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.description.HtmlFormatter;
import org.apache.flink.util.TimeUtils;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md is generated from the options themselves: this test fails when they drift
 * apart. {@code -Dkinesis.docs.write=true} rewrites the file.
 */
class ConfigurationDocsTest {

    private static final Path DOC = Path.of("docs", "configuration.md");

    private static final Map<String, String> BUILDER =
            Map.ofEntries(
                    entry("source.shard-discovery-interval", "`shardDiscoveryInterval(Duration)`"),
                    entry("source.idle-poll-interval", "`idlePollInterval(Duration)`"),
                    entry(
                            "source.skip-undeserializable-records",
                            "`skipUndeserializableRecords()`"),
                    entry("source.reader.type", "`enhancedFanOut(consumerName)` sets EFO"),
                    entry("source.efo.consumer-name", "`enhancedFanOut(consumerName)`"),
                    entry("aws.region", "`ClientSettings.builder().region(..)`"),
                    entry("aws.endpoint", "`ClientSettings.builder().endpoint(..)`"),
                    entry("aws.cbor", "`ClientSettings.builder().cborEnabled(..)`"),
                    entry("aws.credentials.provider", "`ClientSettings.builder().credentials(..)`"),
                    entry(
                            "aws.credentials.provider.basic.accesskeyid",
                            "`Credentials.basic(..)`, `Credentials.session(..)`"),
                    entry(
                            "aws.credentials.provider.basic.secretkey",
                            "`Credentials.basic(..)`, `Credentials.session(..)`"),
                    entry(
                            "aws.credentials.provider.basic.sessiontoken",
                            "`Credentials.session(..)`"),
                    entry("aws.credentials.provider.profile.name", "`Credentials.profile(..)`"),
                    entry("aws.credentials.provider.role.arn", "`Credentials.assumeRole(..)`"),
                    entry(
                            "aws.credentials.provider.role.sessionName",
                            "`Credentials.assumeRole(..)`"),
                    entry("aws.credentials.provider.role.provider", "`Credentials.assumeRole(..)`"),
                    entry(
                            "aws.credentials.provider.role.sts-endpoint",
                            "`Credentials.assumeRole(..)`"),
                    entry("stream", "`streamName(..)`"),
                    entry("stream.arn", "`streamArn(..)`"),
                    entry("app-name", "`appName(..)`"),
                    entry("scan.startup.mode", "`startingPosition(StartingPosition..)`"),
                    entry("scan.startup.timestamp-millis", "`StartingPosition.atTimestamp(..)`"),
                    entry("scan.startup.from-store.fallback", "`StartingPosition.fromStore(..)`"),
                    entry("scan.bounded.mode", "`boundedAtJobStart()`, `boundedAt(Instant)`"),
                    entry("scan.bounded.timestamp-millis", "`boundedAt(Instant)`"));

    @Test
    void theConfigurationReferenceMatchesTheOptions() throws Exception {
        String expected = render();
        if (Boolean.getBoolean("kinesis.docs.write")) {
            Files.writeString(DOC, expected, StandardCharsets.UTF_8);
        }
        String actual = Files.exists(DOC) ? Files.readString(DOC, StandardCharsets.UTF_8) : "";
        assertThat(actual)
                .as(
                        "docs/configuration.md is out of date: run mvn test"
                                + " -Dtest=ConfigurationDocsTest -Dkinesis.docs.write=true")
                .isEqualTo(expected);
    }

    private static String render() throws Exception {
        StringBuilder out = new StringBuilder();
        out.append("# Configuration reference\n\n")
                .append("Generated from the options in the code by `ConfigurationDocsTest`, which")
                .append(" fails when\nthis page and the code differ (`mvn test")
                .append(" -Dtest=ConfigurationDocsTest -Dkinesis.docs.write=true`\nrewrites it).")
                .append(" Every source and AWS key is the same in SQL (`WITH (...)`) and on\n")
                .append("`KinesisSource.builder()`: `set(Option, value)` or")
                .append(" `configuration(Configuration)`, where an AWS\noption applies when no")
                .append(" `clientSettings(..)` are given. A bad value gets the same message")
                .append(" from both.\n\nThe standalone consumer (`KinesisConsumer.builder()`) is\n")
                .append("free of Flink and takes no Flink configuration: the column\n")
                .append("*Standalone consumer* names the call that sets the same thing there, into")
                .append(" the same\n`ClientSettings`, `PollerOptions` and `FanOutOptions` objects")
                .append(
                        " (`ConsumerVocabularyTest` checks\nthat each lands where the key does).\n");
        section(
                out,
                "Source options",
                "`KinesisSourceOptions`: reading, discovery and enhanced fan-out.",
                KinesisSourceOptions.class);
        section(
                out,
                "AWS options",
                "`AwsOptions`: the keys of the official Flink AWS connectors.",
                AwsOptions.class);
        section(
                out,
                "Table-only options",
                "`KinesisConnectorOptions`: what a table sets with builder calls in a DataStream job.",
                KinesisConnectorOptions.class);
        return out.toString();
    }

    private static void section(StringBuilder out, String title, String intro, Class<?> holder)
            throws Exception {
        out.append("\n## ").append(title).append("\n\n").append(intro).append("\n\n");
        out.append(
                "| Key | Default | Type | On the builder | Standalone consumer | Description |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (Field field : constants(holder)) {
            ConfigOption<?> option = (ConfigOption<?>) field.get(null);
            String type =
                    ((Class<?>)
                                    ((ParameterizedType) field.getGenericType())
                                            .getActualTypeArguments()[0])
                            .getSimpleName();
            String builder =
                    BUILDER.getOrDefault(
                            option.key(),
                            holder == KinesisConnectorOptions.class
                                    ? "`checkpointStore(..)`"
                                    : "`set("
                                            + holder.getSimpleName()
                                            + "."
                                            + field.getName()
                                            + ", ..)`");
            StringBuilder description =
                    new StringBuilder(new HtmlFormatter().format(option.description()));
            List<String> old = new ArrayList<>();
            for (FallbackKey key : option.fallbackKeys()) {
                old.add("`" + key.getKey() + "`");
            }
            if (!old.isEmpty()) {
                description.append(" Deprecated key: ").append(String.join(", ", old)).append('.');
            }
            out.append("| `")
                    .append(option.key())
                    .append("` | ")
                    .append(defaultOf(option))
                    .append(" | ")
                    .append(type)
                    .append(" | ")
                    .append(builder)
                    .append(" | ")
                    .append(ConsumerEquivalents.of(option.key()))
                    .append(" | ")
                    .append(description.toString().replace("|", "\\|").replace("\n", " "))
                    .append(" |\n");
        }
    }

    private static String defaultOf(ConfigOption<?> option) {
        if (!option.hasDefaultValue()) {
            return "—";
        }
        Object value = option.defaultValue();
        String text =
                value instanceof Duration
                        ? TimeUtils.formatWithHighestUnit((Duration) value)
                        : String.valueOf(value);
        return "`" + text + "`";
    }

    private static List<Field> constants(Class<?> holder) {
        List<Field> fields = new ArrayList<>();
        for (Field field : holder.getDeclaredFields()) {
            if (Modifier.isPublic(field.getModifiers())
                    && Modifier.isStatic(field.getModifiers())
                    && ConfigOption.class.isAssignableFrom(field.getType())) {
                fields.add(field);
            }
        }
        return fields;
    }
}
