package io.github.kinesisconsumer.table;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Table options of the {@code kinesis-consumer} SQL connector that only tables have. The connector
 * also takes every option of {@link io.github.kinesisconsumer.source.AwsOptions} and {@link
 * io.github.kinesisconsumer.source.KinesisSourceOptions} under the same keys, and {@code format}.
 */
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
}
