package io.github.kinesisconsumer.table;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.source.KinesisSourceOptions;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

import java.time.Duration;

/** Table options of the {@code kinesis-consumer} SQL connector (besides {@code format}). */
@PublicEvolving
public final class KinesisConnectorOptions {

    private KinesisConnectorOptions() {}

    public static final ConfigOption<String> STREAM =
            ConfigOptions.key("stream")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Name of the stream to read. Set this or 'stream.arn'.");

    public static final ConfigOption<String> STREAM_ARN =
            ConfigOptions.key("stream.arn")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("ARN of the stream to read. Set this or 'stream'.");

    public static final ConfigOption<String> AWS_REGION =
            ConfigOptions.key("aws.region")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "AWS region, e.g. eu-west-1. Required unless 'stream.arn' is set (its"
                                    + " region is used); any region works for a local emulator.");

    public static final ConfigOption<String> AWS_ENDPOINT =
            ConfigOptions.key("aws.endpoint")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Endpoint override, an http:// or https:// URL, e.g."
                                    + " http://127.0.0.1:4567 for an emulator.");

    public static final ConfigOption<String> AWS_ACCESS_KEY_ID =
            ConfigOptions.key("aws.credentials.access-key-id")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Static credentials, with 'aws.credentials.secret-access-key'. Without"
                                    + " static credentials or a profile, the SDK's default"
                                    + " provider chain is used.");

    public static final ConfigOption<String> AWS_SECRET_ACCESS_KEY =
            ConfigOptions.key("aws.credentials.secret-access-key")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Secret of 'aws.credentials.access-key-id'.");

    public static final ConfigOption<String> AWS_PROFILE =
            ConfigOptions.key("aws.credentials.profile")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("A named profile of the AWS credentials file.");

    public static final ConfigOption<Boolean> AWS_CBOR =
            ConfigOptions.key("aws.cbor")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "CBOR wire encoding, as real Kinesis uses. Set false for emulators"
                                    + " that only speak JSON (kinesalite).");

    public static final ConfigOption<String> APP_NAME =
            ConfigOptions.key("app-name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "This application's identity in the checkpoint store and metrics."
                                    + " Required with 'checkpoint-store.type'; otherwise the"
                                    + " table name.");

    public static final ConfigOption<StartupMode> SCAN_STARTUP_MODE =
            ConfigOptions.key("scan.startup.mode")
                    .enumType(StartupMode.class)
                    .noDefaultValue()
                    .withDescription(
                            "Where shards start when Flink has no state for them. Default:"
                                    + " 'from-store' with a checkpoint store, else 'latest'."
                                    + " Shards that appear later always start at TRIM_HORIZON.");

    public static final ConfigOption<Long> SCAN_STARTUP_TIMESTAMP_MILLIS =
            ConfigOptions.key("scan.startup.timestamp-millis")
                    .longType()
                    .noDefaultValue()
                    .withDescription("Epoch milliseconds for the 'at-timestamp' startup mode.");

    public static final ConfigOption<StartupMode> SCAN_STARTUP_FROM_STORE_FALLBACK =
            ConfigOptions.key("scan.startup.from-store.fallback")
                    .enumType(StartupMode.class)
                    .defaultValue(StartupMode.LATEST)
                    .withDescription(
                            "With 'from-store': where shards without a stored checkpoint start"
                                    + " ('latest', 'trim-horizon' or 'at-timestamp').");

    public static final ConfigOption<BoundedMode> SCAN_BOUNDED_MODE =
            ConfigOptions.key("scan.bounded.mode")
                    .enumType(BoundedMode.class)
                    .defaultValue(BoundedMode.UNBOUNDED)
                    .withDescription("Whether the scan ends, and where.");

    public static final ConfigOption<Long> SCAN_BOUNDED_TIMESTAMP_MILLIS =
            ConfigOptions.key("scan.bounded.timestamp-millis")
                    .longType()
                    .noDefaultValue()
                    .withDescription(
                            "Epoch milliseconds for the 'timestamp' bounded mode: records that"
                                    + " arrived at or after it are not read.");

    public static final ConfigOption<String> STORE_TYPE =
            ConfigOptions.key("checkpoint-store.type")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Mirror positions of completed Flink checkpoints into this store and"
                                    + " start from it: postgres, mysql, redis or dynamodb.");

    public static final ConfigOption<String> STORE_URL =
            ConfigOptions.key("checkpoint-store.url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "JDBC URL (postgres: jdbc:postgresql://..., mysql: jdbc:mysql://...) or"
                                    + " Redis URL (redis:// or rediss://...).");

    public static final ConfigOption<String> STORE_USER =
            ConfigOptions.key("checkpoint-store.user")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Database user (postgres, mysql).");

    public static final ConfigOption<String> STORE_PASSWORD =
            ConfigOptions.key("checkpoint-store.password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Database password (postgres, mysql).");

    public static final ConfigOption<String> STORE_TABLE =
            ConfigOptions.key("checkpoint-store.table")
                    .stringType()
                    .defaultValue("kinesis_checkpoints")
                    .withDescription("Checkpoint table (postgres, mysql, dynamodb).");

    public static final ConfigOption<Boolean> STORE_CREATE_TABLE =
            ConfigOptions.key("checkpoint-store.create-table")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Create the checkpoint table if it is missing (postgres, mysql,"
                                    + " dynamodb).");

    public static final ConfigOption<String> STORE_DYNAMODB_REGION =
            ConfigOptions.key("checkpoint-store.dynamodb.region")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Region of the DynamoDB table; 'aws.region' by default.");

    public static final ConfigOption<String> STORE_DYNAMODB_ENDPOINT =
            ConfigOptions.key("checkpoint-store.dynamodb.endpoint")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "DynamoDB endpoint override, e.g. http://127.0.0.1:8000 for DynamoDB"
                                    + " Local.");

    public static final ConfigOption<Duration> SOURCE_SHARD_DISCOVERY_INTERVAL =
            ConfigOptions.key("source.shard-discovery-interval")
                    .durationType()
                    .defaultValue(KinesisSourceOptions.SHARD_DISCOVERY_INTERVAL.defaultValue())
                    .withDescription("How often new shards are listed.");

    public static final ConfigOption<Integer> SOURCE_GET_RECORDS_LIMIT =
            ConfigOptions.key("source.get-records.limit")
                    .intType()
                    .defaultValue(KinesisSourceOptions.GET_RECORDS_LIMIT.defaultValue())
                    .withDescription("Records per GetRecords call (1..10000).");

    public static final ConfigOption<Double> SOURCE_CALLS_PER_SECOND =
            ConfigOptions.key("source.get-records.calls-per-second")
                    .doubleType()
                    .defaultValue(KinesisSourceOptions.GET_RECORDS_CALLS_PER_SECOND.defaultValue())
                    .withDescription("Per-shard GetRecords call budget.");

    public static final ConfigOption<Duration> SOURCE_IDLE_POLL_INTERVAL =
            ConfigOptions.key("source.idle-poll-interval")
                    .durationType()
                    .defaultValue(KinesisSourceOptions.IDLE_POLL_INTERVAL.defaultValue())
                    .withDescription("Pause after an empty GetRecords answer.");

    public static final ConfigOption<MemorySize> SOURCE_MAX_BUFFERED_BYTES =
            ConfigOptions.key("source.max-buffered-bytes")
                    .memoryType()
                    .defaultValue(KinesisSourceOptions.MAX_BUFFERED_BYTES.defaultValue())
                    .withDescription(
                            "Per reader: fetching pauses above this many unemitted bytes.");

    public static final ConfigOption<Boolean> SOURCE_DEAGGREGATION =
            ConfigOptions.key("source.deaggregation")
                    .booleanType()
                    .defaultValue(KinesisSourceOptions.DEAGGREGATION.defaultValue())
                    .withDescription("Split KPL aggregates into user records.");

    public static final ConfigOption<Boolean> SOURCE_SKIP_UNDESERIALIZABLE =
            ConfigOptions.key("source.skip-undeserializable-records")
                    .booleanType()
                    .defaultValue(KinesisSourceOptions.SKIP_UNDESERIALIZABLE_RECORDS.defaultValue())
                    .withDescription(
                            "Skip (log and count) records the format cannot decode instead of"
                                    + " failing the job.");
}
