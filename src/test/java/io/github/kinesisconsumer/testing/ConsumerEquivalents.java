package io.github.kinesisconsumer.testing;

import java.util.Map;

import static java.util.Map.entry;

/**
 * For every Flink option key, what sets the same thing on the standalone consumer (which takes no
 * Flink configuration: it is Flink-free), or why nothing does. The configuration reference prints
 * it; {@code ConsumerVocabularyTest} proves the settings land in the same place.
 */
public final class ConsumerEquivalents {

    /** Flink-only options: the reason the standalone consumer has no equivalent. */
    public static final String FLINK_ONLY = "— (Flink only)";

    public static final Map<String, String> BY_KEY =
            Map.ofEntries(
                    entry(
                            "source.shard-discovery-interval",
                            "`discoveryInterval(..)` (default 30 s)"),
                    entry("source.list-shards.attempts", "— (3 attempts)"),
                    entry("source.reader-registration-timeout", FLINK_ONLY),
                    entry(
                            "source.fail-on-trimmed-position",
                            "`PollerOptions` / `FanOutOptions`: `failOnTrimmedPosition(..)`"),
                    entry("source.get-records.limit", "`PollerOptions`: `recordsPerCall(..)`"),
                    entry(
                            "source.get-records.calls-per-second",
                            "`PollerOptions`: `callsPerSecondPerShard(..)`"),
                    entry("source.idle-poll-interval", "`PollerOptions`: `idlePollInterval(..)`"),
                    entry(
                            "source.max-buffered-bytes",
                            "`PollerOptions` / `FanOutOptions`: `maxBufferedBytes(..)`"),
                    entry("source.deaggregation", "`deaggregate(..)`"),
                    entry(
                            "source.skip-undeserializable-records",
                            "— (records are not deserialized)"),
                    entry("source.reader.type", "`enhancedFanOut(..)` sets EFO"),
                    entry("source.efo.consumer-name", "`enhancedFanOut(consumerName)`"),
                    entry(
                            "source.efo.subscription-health-timeout",
                            "`FanOutOptions`: `subscriptionHealthTimeout(..)`"),
                    entry(
                            "source.efo.deregister-on-close",
                            "`FanOutOptions`: `deregisterOnClose(..)`"),
                    entry(
                            "source.efo.closed-shard-probe-interval",
                            "`FanOutOptions`: `closedShardProbeInterval(..)`"),
                    entry("aws.region", "`clientSettings(..)`, as on the builder"),
                    entry("aws.endpoint", "`clientSettings(..)`, as on the builder"),
                    entry("aws.cbor", "`clientSettings(..)`, as on the builder"),
                    entry("aws.credentials.provider", "`clientSettings(..)`, as on the builder"),
                    entry(
                            "aws.credentials.provider.basic.accesskeyid",
                            "`clientSettings(..)`, as on the builder"),
                    entry(
                            "aws.credentials.provider.basic.secretkey",
                            "`clientSettings(..)`, as on the builder"),
                    entry(
                            "aws.credentials.provider.basic.sessiontoken",
                            "`clientSettings(..)`, as on the builder"),
                    entry(
                            "aws.credentials.provider.profile.name",
                            "`clientSettings(..)`, as on the builder"),
                    entry(
                            "aws.credentials.provider.role.arn",
                            "`clientSettings(..)`, as on the builder"),
                    entry(
                            "aws.credentials.provider.role.sessionName",
                            "`clientSettings(..)`, as on the builder"),
                    entry(
                            "aws.credentials.provider.role.provider",
                            "`clientSettings(..)`, as on the builder"),
                    entry(
                            "aws.credentials.provider.role.sts-endpoint",
                            "`clientSettings(..)`, as on the builder"),
                    entry("stream", "`streamName(..)`"),
                    entry("stream.arn", "`streamArn(..)`"),
                    entry("app-name", "`appName(..)`"),
                    entry("scan.startup.mode", "`startingPosition(..)`"),
                    entry("scan.startup.timestamp-millis", "`StartingPosition.atTimestamp(..)`"),
                    entry("scan.startup.from-store.fallback", "`StartingPosition.fromStore(..)`"),
                    entry("scan.bounded.mode", "— (`stop()` ends a scan)"),
                    entry("scan.bounded.timestamp-millis", "— (`stop()` ends a scan)"));

    private ConsumerEquivalents() {}

    /** The consumer's equivalent of {@code key}; every checkpoint-store key is a store's. */
    public static String of(String key) {
        if (key.startsWith("checkpoint-store.")) {
            return "`checkpointStore(..)`";
        }
        String equivalent = BY_KEY.get(key);
        if (equivalent == null) {
            throw new IllegalStateException(
                    "no standalone consumer equivalent is listed for '" + key + "'");
        }
        return equivalent;
    }
}
