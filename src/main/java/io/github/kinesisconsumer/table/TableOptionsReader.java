package io.github.kinesisconsumer.table;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.AwsClientSettings;
import io.github.kinesisconsumer.source.SourceOptionChecks;
import io.github.kinesisconsumer.store.jdbc.PostgresCheckpointStore;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;

import javax.annotation.Nullable;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static io.github.kinesisconsumer.table.KinesisConnectorOptions.APP_NAME;
import static io.github.kinesisconsumer.table.KinesisConnectorOptions.SCAN_BOUNDED_MODE;
import static io.github.kinesisconsumer.table.KinesisConnectorOptions.SCAN_BOUNDED_TIMESTAMP_MILLIS;
import static io.github.kinesisconsumer.table.KinesisConnectorOptions.SCAN_STARTUP_FROM_STORE_FALLBACK;
import static io.github.kinesisconsumer.table.KinesisConnectorOptions.SCAN_STARTUP_MODE;
import static io.github.kinesisconsumer.table.KinesisConnectorOptions.SCAN_STARTUP_TIMESTAMP_MILLIS;
import static io.github.kinesisconsumer.table.KinesisConnectorOptions.STORE_CREATE_TABLE;
import static io.github.kinesisconsumer.table.KinesisConnectorOptions.STORE_DYNAMODB_ENDPOINT;
import static io.github.kinesisconsumer.table.KinesisConnectorOptions.STORE_DYNAMODB_REGION;
import static io.github.kinesisconsumer.table.KinesisConnectorOptions.STORE_PASSWORD;
import static io.github.kinesisconsumer.table.KinesisConnectorOptions.STORE_TABLE;
import static io.github.kinesisconsumer.table.KinesisConnectorOptions.STORE_TYPE;
import static io.github.kinesisconsumer.table.KinesisConnectorOptions.STORE_URL;
import static io.github.kinesisconsumer.table.KinesisConnectorOptions.STORE_USER;
import static io.github.kinesisconsumer.table.KinesisConnectorOptions.STREAM;
import static io.github.kinesisconsumer.table.KinesisConnectorOptions.STREAM_ARN;

/**
 * Reads and checks the connector options beyond what Flink's factory helper checks (unknown and
 * missing keys, value types). Every message names the option to fix.
 */
final class TableOptionsReader {

    private final ReadableConfig options;

    private TableOptionsReader(ReadableConfig options) {
        this.options = options;
    }

    /**
     * The settings of a table.
     *
     * @param tableName the table's name, the app name when 'app-name' is not set
     * @throws ValidationException naming the option at fault
     */
    static KinesisTableSettings read(ReadableConfig options, String tableName) {
        return new TableOptionsReader(options).read(tableName);
    }

    private KinesisTableSettings read(String tableName) {
        String stream = text(STREAM);
        String arn = text(STREAM_ARN);
        if (stream == null && arn == null) {
            throw fail("Either 'stream' or 'stream.arn' is required.");
        }
        if (stream != null && arn != null) {
            throw fail("Set only one of 'stream' and 'stream.arn', not both.");
        }
        ClientSettings client = clientSettings(arn);
        CheckpointStoreSettings store = checkpointStore(client);
        String app = text(APP_NAME);
        if (store != null && app == null) {
            throw fail(
                    "'app-name' is required with 'checkpoint-store.type': it names this"
                            + " application's positions in the store.");
        }
        BoundedMode bounded = options.get(SCAN_BOUNDED_MODE);
        Instant stopAt = null;
        if (bounded == BoundedMode.TIMESTAMP) {
            stopAt =
                    Instant.ofEpochMilli(
                            required(
                                    SCAN_BOUNDED_TIMESTAMP_MILLIS,
                                    "when 'scan.bounded.mode' is 'timestamp'"));
        }
        return new KinesisTableSettings(
                stream,
                arn,
                app != null ? app : tableName,
                client,
                startingPosition(store != null),
                store,
                bounded,
                stopAt,
                sourceOptions());
    }

    private ClientSettings clientSettings(@Nullable String arn) {
        try {
            return AwsClientSettings.read(options, arn);
        } catch (IllegalArgumentException e) {
            throw fail(e.getMessage(), e);
        }
    }

    @Nullable
    private CheckpointStoreSettings checkpointStore(ClientSettings client) {
        String typeName = text(STORE_TYPE);
        if (typeName == null) {
            for (ConfigOption<String> o : List.of(STORE_URL, STORE_USER, STORE_PASSWORD)) {
                if (text(o) != null) {
                    throw fail("'" + o.key() + "' needs 'checkpoint-store.type'.");
                }
            }
            return null;
        }
        StoreType type =
                StoreType.parse(typeName)
                        .orElseThrow(
                                () ->
                                        fail(
                                                "Unsupported 'checkpoint-store.type' '"
                                                        + typeName
                                                        + "': use one of "
                                                        + StoreType.valueList()
                                                        + " (there is no in-memory store: each"
                                                        + " Flink process would get its own)."));
        String url = text(STORE_URL);
        String table = options.get(STORE_TABLE);
        ClientSettings dynamoDb = null;
        switch (type) {
            case POSTGRES:
                checkUrl(url, type, "jdbc:postgresql:");
                checkJdbcTable(table);
                break;
            case MYSQL:
                checkUrl(url, type, "jdbc:mysql:");
                checkJdbcTable(table);
                break;
            case REDIS:
                checkUrl(url, type, "redis://", "rediss://");
                break;
            case DYNAMODB:
                dynamoDb = dynamoDbSettings(client);
                break;
            default:
                throw new IllegalStateException(type.name());
        }
        return new CheckpointStoreSettings(
                type,
                url,
                text(STORE_USER),
                options.getOptional(STORE_PASSWORD).orElse(null),
                table,
                options.get(STORE_CREATE_TABLE),
                dynamoDb);
    }

    private void checkUrl(@Nullable String url, StoreType type, String... prefixes) {
        if (url == null) {
            throw fail(
                    "'checkpoint-store.url' is required when 'checkpoint-store.type' is '"
                            + type.value()
                            + "', e.g. "
                            + prefixes[0]
                            + "//127.0.0.1/...");
        }
        for (String prefix : prefixes) {
            if (url.startsWith(prefix)) {
                return;
            }
        }
        throw fail(
                "'checkpoint-store.url' for '"
                        + type.value()
                        + "' must start with "
                        + String.join(" or ", prefixes)
                        + ", but was '"
                        + url
                        + "'.");
    }

    private void checkJdbcTable(String table) {
        try {
            PostgresCheckpointStore.builder().tableName(table);
        } catch (IllegalArgumentException e) {
            throw fail("Invalid 'checkpoint-store.table': " + e.getMessage(), e);
        }
    }

    private ClientSettings dynamoDbSettings(ClientSettings kinesis) {
        ClientSettings.Builder builder =
                ClientSettings.builder()
                        .region(
                                Optional.ofNullable(text(STORE_DYNAMODB_REGION))
                                        .orElse(kinesis.region()))
                        .credentials(kinesis.credentials());
        String endpoint = text(STORE_DYNAMODB_ENDPOINT);
        if (endpoint != null) {
            builder.endpoint(endpoint);
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw fail(
                    "Invalid 'checkpoint-store.dynamodb.region' or"
                            + " 'checkpoint-store.dynamodb.endpoint': "
                            + e.getMessage(),
                    e);
        }
    }

    private StartingPosition startingPosition(boolean hasStore) {
        StartupMode mode =
                options.getOptional(SCAN_STARTUP_MODE)
                        .orElse(hasStore ? StartupMode.FROM_STORE : StartupMode.LATEST);
        if (mode != StartupMode.FROM_STORE) {
            return position(mode, "'scan.startup.mode' is 'at-timestamp'");
        }
        if (!hasStore) {
            throw fail("'scan.startup.mode' 'from-store' needs 'checkpoint-store.type'.");
        }
        StartupMode fallback = options.get(SCAN_STARTUP_FROM_STORE_FALLBACK);
        if (fallback == StartupMode.FROM_STORE) {
            throw fail(
                    "'scan.startup.from-store.fallback' must be latest, trim-horizon or"
                            + " at-timestamp.");
        }
        return StartingPosition.fromStore(
                position(fallback, "'scan.startup.from-store.fallback' is 'at-timestamp'"));
    }

    private StartingPosition position(StartupMode mode, String timestampCondition) {
        switch (mode) {
            case LATEST:
                return StartingPosition.latest();
            case TRIM_HORIZON:
                return StartingPosition.trimHorizon();
            case AT_TIMESTAMP:
                return StartingPosition.atTimestamp(
                        Instant.ofEpochMilli(
                                required(
                                        SCAN_STARTUP_TIMESTAMP_MILLIS,
                                        "when " + timestampCondition)));
            default:
                throw new IllegalStateException(mode.name());
        }
    }

    private Configuration sourceOptions() {
        try {
            SourceOptionChecks.check(options);
        } catch (IllegalArgumentException e) {
            throw fail(e.getMessage(), e);
        }
        return SourceOptionChecks.copy(options);
    }

    private long required(ConfigOption<Long> option, String condition) {
        return options.getOptional(option)
                .orElseThrow(() -> fail("'" + option.key() + "' is required " + condition + "."));
    }

    @Nullable
    private String text(ConfigOption<String> option) {
        return options.getOptional(option).map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
    }

    private static ValidationException fail(String message) {
        return new ValidationException(message);
    }

    private static ValidationException fail(String message, Throwable cause) {
        return new ValidationException(message, cause);
    }
}
