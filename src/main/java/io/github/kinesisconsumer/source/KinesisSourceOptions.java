package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.kinesis.discovery.ShardLister;
import io.github.kinesisconsumer.source.enumerator.ShardEnumerator;
import io.github.kinesisconsumer.source.reader.ReaderOptions;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

import java.time.Duration;

/** Options of {@link KinesisSource}, settable on the builder or from a Flink configuration. */
@PublicEvolving
public final class KinesisSourceOptions {

    private KinesisSourceOptions() {}

    public static final ConfigOption<Duration> SHARD_DISCOVERY_INTERVAL =
            ConfigOptions.key("source.shard-discovery-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDeprecatedKeys("kinesis.source.shard-discovery-interval")
                    .withDescription(
                            "How often the enumerator lists the stream's shards to find new ones."
                                    + " Children of a finished shard are assigned at once"
                                    + " regardless.");

    public static final ConfigOption<Integer> LIST_SHARDS_ATTEMPTS =
            ConfigOptions.key("source.list-shards.attempts")
                    .intType()
                    .defaultValue(ShardLister.DEFAULT_ATTEMPTS)
                    .withDeprecatedKeys("kinesis.source.list-shards.attempts")
                    .withDescription(
                            "ListShards attempts per discovery round (throttling and transient"
                                    + " errors are retried with backoff, 200 ms to 5 s). A round"
                                    + " that still fails is logged and discovery runs again at"
                                    + " the next interval; fewer attempts free the enumerator's"
                                    + " worker thread sooner.");

    public static final ConfigOption<Duration> READER_REGISTRATION_TIMEOUT =
            ConfigOptions.key("source.reader-registration-timeout")
                    .durationType()
                    .defaultValue(ShardEnumerator.DEFAULT_REGISTRATION_TIMEOUT)
                    .withDeprecatedKeys("kinesis.source.reader-registration-timeout")
                    .withDescription(
                            "How long the first shard assignment waits for every reader of the"
                                    + " job to register, and the shards of a failed reader wait"
                                    + " for it to come back, before they go to the readers that"
                                    + " are there. Assigning before all readers registered would"
                                    + " leave the first readers with every shard.");

    public static final ConfigOption<Boolean> FAIL_ON_TRIMMED_POSITION =
            ConfigOptions.key("source.fail-on-trimmed-position")
                    .booleanType()
                    .defaultValue(false)
                    .withDeprecatedKeys("kinesis.source.fail-on-trimmed-position")
                    .withDescription(
                            "When a shard resumes from a sequence number older than its trim"
                                    + " horizon (a checkpoint restored after an outage longer"
                                    + " than the retention period), false starts it at"
                                    + " TRIM_HORIZON with a warning and the metric"
                                    + " trimmedPositions; true fails the job instead. A shard"
                                    + " that no longer exists at all is treated as finished"
                                    + " (metric shardsGone).");

    public static final ConfigOption<Integer> GET_RECORDS_LIMIT =
            ConfigOptions.key("source.get-records.limit")
                    .intType()
                    .defaultValue(10_000)
                    .withDeprecatedKeys("kinesis.source.get-records.limit")
                    .withDescription("Records per GetRecords call (1..10000).");

    public static final ConfigOption<Double> GET_RECORDS_CALLS_PER_SECOND =
            ConfigOptions.key("source.get-records.calls-per-second")
                    .doubleType()
                    .defaultValue(5.0)
                    .withDeprecatedKeys("kinesis.source.get-records.calls-per-second")
                    .withDescription(
                            "Per-shard call budget: GetRecords calls on one shard start at least"
                                    + " 1/budget seconds apart (Kinesis allows 5 per second).");

    public static final ConfigOption<Duration> IDLE_POLL_INTERVAL =
            ConfigOptions.key("source.idle-poll-interval")
                    .durationType()
                    .defaultValue(Duration.ofMillis(200))
                    .withDeprecatedKeys("kinesis.source.idle-poll-interval")
                    .withDescription("Pause after a GetRecords call that returned nothing.");

    public static final ConfigOption<MemorySize> MAX_BUFFERED_BYTES =
            ConfigOptions.key("source.max-buffered-bytes")
                    .memoryType()
                    .defaultValue(MemorySize.ofMebiBytes(64))
                    .withDeprecatedKeys("kinesis.source.max-buffered-bytes")
                    .withDescription(
                            "Per reader: above this many fetched but not yet emitted bytes, no new"
                                    + " GetRecords calls start (backpressure).");

    public static final ConfigOption<Boolean> DEAGGREGATION =
            ConfigOptions.key("source.deaggregation")
                    .booleanType()
                    .defaultValue(true)
                    .withDeprecatedKeys("kinesis.source.deaggregation")
                    .withDescription("Split KPL aggregated records into their user records.");

    public static final ConfigOption<Boolean> SKIP_UNDESERIALIZABLE_RECORDS =
            ReaderOptions.SKIP_UNDESERIALIZABLE_RECORDS;

    /** How a reader reads its shards. */
    public enum ReaderType {
        /** GetRecords polling, shared with every other reader of the shard (5 calls/s/shard). */
        POLLING,
        /** Enhanced fan-out: SubscribeToShard through a registered stream consumer, HTTP/2 push. */
        EFO
    }

    public static final ConfigOption<ReaderType> READER_TYPE =
            ConfigOptions.key("source.reader.type")
                    .enumType(ReaderType.class)
                    .defaultValue(ReaderType.POLLING)
                    .withDeprecatedKeys("kinesis.source.reader.type")
                    .withDescription(
                            "POLLING (GetRecords) or EFO (enhanced fan-out; needs"
                                    + " source.efo.consumer-name).");

    public static final ConfigOption<String> EFO_CONSUMER_NAME =
            ConfigOptions.key("source.efo.consumer-name")
                    .stringType()
                    .noDefaultValue()
                    .withDeprecatedKeys("kinesis.source.efo.consumer-name")
                    .withDescription(
                            "The stream consumer enhanced fan-out reads through; registered at job"
                                    + " start when it does not exist.");

    public static final ConfigOption<Duration> EFO_SUBSCRIPTION_HEALTH_TIMEOUT =
            ConfigOptions.key("source.efo.subscription-health-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDeprecatedKeys("kinesis.source.efo.subscription-health-timeout")
                    .withDescription(
                            "A subscription that brings no event for this long while one is"
                                    + " requested is cancelled and renewed from its continuation"
                                    + " sequence number.");

    public static final ConfigOption<Boolean> EFO_DEREGISTER_ON_CLOSE =
            ConfigOptions.key("source.efo.deregister-on-close")
                    .booleanType()
                    .defaultValue(true)
                    .withDeprecatedKeys("kinesis.source.efo.deregister-on-close")
                    .withDescription(
                            "Deregister the stream consumer when the job ends, if this source"
                                    + " registered it (an existing consumer is never"
                                    + " deregistered).");

    public static final ConfigOption<Duration> EFO_CLOSED_SHARD_PROBE_INTERVAL =
            ConfigOptions.key("source.efo.closed-shard-probe-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDeprecatedKeys("kinesis.source.efo.closed-shard-probe-interval")
                    .withDescription(
                            "After a subscription brought only empty, caught-up events for this"
                                    + " long, check with GetShardIterator + GetRecords whether the"
                                    + " shard is closed and fully read (for services that do not"
                                    + " signal shard end on the subscription); 0 turns it off.");
}
