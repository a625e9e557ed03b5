package io.github.kinesisconsumer.table;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.KinesisSource;
import io.github.kinesisconsumer.source.KinesisSourceOptions;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.dynamodb.DynamoDbCheckpointStore;
import io.github.kinesisconsumer.store.jdbc.PostgresCheckpointStore;
import io.github.kinesisconsumer.store.redis.RedisCheckpointStore;

import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.util.InstantiationUtil;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Options of the SQL connector become the right source; bad options are named in the error. */
class KinesisDynamicTableFactoryTest {

    @Test
    void optionsBecomeTheSourceSettings() {
        Map<String, String> options = TableSources.validOptions();
        options.put("aws.credentials.access-key-id", "AKID");
        options.put("aws.credentials.secret-access-key", "SECRET");
        options.put("scan.startup.mode", "at-timestamp");
        options.put("scan.startup.timestamp-millis", "1700000000000");
        options.put("scan.bounded.mode", "timestamp");
        options.put("scan.bounded.timestamp-millis", "1700000060000");
        options.put("source.get-records.limit", "500");
        options.put("source.shard-discovery-interval", "2 s");
        options.put("source.max-buffered-bytes", "8 mb");
        options.put("source.skip-undeserializable-records", "true");

        KinesisDynamicSource table = TableSources.create(options);
        ClientSettings client = table.settings().clientSettings();
        assertThat(client.region()).isEqualTo("us-east-1");
        assertThat(client.endpoint()).isEqualTo("http://127.0.0.1:4569");
        assertThat(client.cborEnabled()).isFalse();
        assertThat(client.credentials().toString()).contains("AKID").doesNotContain("SECRET");

        KinesisSource<String> source = table.settings().buildSource(of(new SimpleStringSchema()));
        assertThat(source.stream().name()).isEqualTo("orders");
        assertThat(source.appName()).isEqualTo("orders_table");
        assertThat(source.startingPosition())
                .isEqualTo(StartingPosition.atTimestamp(Instant.ofEpochMilli(1700000000000L)));
        assertThat(source.getBoundedness()).isEqualTo(Boundedness.BOUNDED);
        assertThat(source.config().get(KinesisSourceOptions.GET_RECORDS_LIMIT)).isEqualTo(500);
        assertThat(source.config().get(KinesisSourceOptions.SHARD_DISCOVERY_INTERVAL))
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(source.config().get(KinesisSourceOptions.MAX_BUFFERED_BYTES))
                .isEqualTo(MemorySize.parse("8 mb"));
        assertThat(source.config().get(KinesisSourceOptions.SKIP_UNDESERIALIZABLE_RECORDS))
                .isTrue();
        assertThat(table.settings().checkpointStore()).isNull();
    }

    @Test
    void defaultsAreLatestUnboundedAndTheDefaultCredentialChain() {
        KinesisDynamicSource table = TableSources.create(TableSources.validOptions());
        KinesisSource<String> source = table.settings().buildSource(of(new SimpleStringSchema()));
        assertThat(source.startingPosition()).isEqualTo(StartingPosition.latest());
        assertThat(source.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
        assertThat(table.settings().clientSettings().cborEnabled()).isFalse();
        assertThat(table.settings().clientSettings().credentials().toString())
                .isEqualTo(io.github.kinesisconsumer.kinesis.Credentials.defaultChain().toString());
    }

    @Test
    void streamArnGivesTheRegion() {
        Map<String, String> options = TableSources.validOptions();
        options.remove("stream");
        options.remove("aws.region");
        options.put("stream.arn", "arn:aws:kinesis:eu-west-1:123456789012:stream/orders");
        KinesisDynamicSource table = TableSources.create(options);
        assertThat(table.settings().clientSettings().region()).isEqualTo("eu-west-1");
        assertThat(table.settings().buildSource(of(new SimpleStringSchema())).stream().arn())
                .isEqualTo("arn:aws:kinesis:eu-west-1:123456789012:stream/orders");
    }

    @Test
    void postgresStoreStartsFromTheStoreWithItsFallback() throws Exception {
        Map<String, String> options = TableSources.validOptions();
        options.put("app-name", "billing");
        options.put("checkpoint-store.type", "postgres");
        options.put("checkpoint-store.url", "jdbc:postgresql://127.0.0.1:5432/test");
        options.put("checkpoint-store.user", "postgres");
        options.put("checkpoint-store.table", "sql_checkpoints");
        options.put("scan.startup.from-store.fallback", "trim-horizon");

        KinesisDynamicSource table = TableSources.create(options);
        CheckpointStoreSettings store = table.settings().checkpointStore();
        assertThat(store.type()).isEqualTo(StoreType.POSTGRES);
        assertThat(store.url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test");
        assertThat(store.table()).isEqualTo("sql_checkpoints");
        KinesisSource<String> source = table.settings().buildSource(of(new SimpleStringSchema()));
        assertThat(source.appName()).isEqualTo("billing");
        assertThat(source.startingPosition())
                .isEqualTo(StartingPosition.fromStore(StartingPosition.trimHorizon()));

        CheckpointStoreSettings shipped = InstantiationUtil.clone(store);
        try (CheckpointStore created = shipped.create()) {
            assertThat(created).isInstanceOf(PostgresCheckpointStore.class);
        }
    }

    @Test
    void storeDefaultStartIsFromStoreElseLatest() {
        Map<String, String> options = TableSources.validOptions();
        options.put("app-name", "billing");
        options.put("checkpoint-store.type", "redis");
        options.put("checkpoint-store.url", "redis://127.0.0.1:6379");
        KinesisDynamicSource table = TableSources.create(options);
        assertThat(table.settings().startingPosition())
                .isEqualTo(StartingPosition.fromStore(StartingPosition.latest()));
        try (CheckpointStore created = table.settings().checkpointStore().create()) {
            assertThat(created).isInstanceOf(RedisCheckpointStore.class);
        }
    }

    @Test
    void dynamoDbStoreUsesItsOwnEndpointAndTheKinesisRegion() {
        Map<String, String> options = TableSources.validOptions();
        options.put("app-name", "billing");
        options.put("checkpoint-store.type", "dynamodb");
        options.put("checkpoint-store.dynamodb.endpoint", "http://127.0.0.1:8000");
        KinesisDynamicSource table = TableSources.create(options);
        ClientSettings ddb = table.settings().checkpointStore().dynamoDbSettings();
        assertThat(ddb.region()).isEqualTo("us-east-1");
        assertThat(ddb.endpoint()).isEqualTo("http://127.0.0.1:8000");
        try (CheckpointStore created = table.settings().checkpointStore().create()) {
            assertThat(created).isInstanceOf(DynamoDbCheckpointStore.class);
        }
    }

    @Test
    void listsTheFourMetadataColumns() {
        KinesisDynamicSource table = TableSources.create(TableSources.validOptions());
        assertThat(table.listReadableMetadata())
                .containsExactly(
                        Map.entry("shard_id", DataTypes.STRING().notNull()),
                        Map.entry("sequence_number", DataTypes.STRING().notNull()),
                        Map.entry("partition_key", DataTypes.STRING().notNull()),
                        Map.entry("arrival_time", DataTypes.TIMESTAMP_LTZ(3).notNull()));
    }

    @Test
    void jsonProjectsInTheFormatAndRawDoesNot() {
        assertThat(TableSources.create(TableSources.validOptions()).formatProjects()).isTrue();
        Map<String, String> raw = TableSources.validOptions();
        raw.put("format", "raw");
        assertThat(TableSources.create(raw, TableSources.LINES).formatProjects()).isFalse();
    }

    static Stream<Arguments> badOptions() {
        return Stream.of(
                bad("no stream", o -> o.remove("stream"), "'stream' or 'stream.arn' is required"),
                bad(
                        "stream and arn",
                        o -> o.put("stream.arn", "arn:aws:kinesis:us-east-1:1:stream/x"),
                        "only one of 'stream' and 'stream.arn'"),
                bad("no region", o -> o.remove("aws.region"), "'aws.region' is required"),
                bad("bad region", o -> o.put("aws.region", "moon"), "Invalid 'aws.region'"),
                bad(
                        "bad endpoint",
                        o -> o.put("aws.endpoint", "127.0.0.1:4569"),
                        "Invalid 'aws.endpoint'"),
                bad(
                        "secret without key",
                        o -> o.put("aws.credentials.secret-access-key", "s"),
                        "'aws.credentials.provider.basic.accesskeyid' is required"),
                bad(
                        "unknown option",
                        o -> o.put("aws.regoin", "us-east-1"),
                        "Unsupported options",
                        "aws.regoin"),
                bad("no format", o -> o.remove("format"), "format"),
                bad(
                        "unknown startup mode",
                        o -> o.put("scan.startup.mode", "earliest"),
                        "scan.startup.mode"),
                bad(
                        "at-timestamp without timestamp",
                        o -> o.put("scan.startup.mode", "at-timestamp"),
                        "'scan.startup.timestamp-millis' is required when 'scan.startup.mode'"
                                + " is 'at-timestamp'"),
                bad(
                        "from-store without store",
                        o -> o.put("scan.startup.mode", "from-store"),
                        "'scan.startup.mode' 'from-store' needs 'checkpoint-store.type'"),
                bad(
                        "bounded timestamp without timestamp",
                        o -> o.put("scan.bounded.mode", "timestamp"),
                        "'scan.bounded.timestamp-millis' is required"),
                bad(
                        "unknown store type",
                        o -> {
                            o.put("app-name", "a");
                            o.put("checkpoint-store.type", "memory");
                        },
                        "Unsupported 'checkpoint-store.type' 'memory'",
                        "postgres, mysql, redis, dynamodb"),
                bad(
                        "store without app name",
                        o -> {
                            o.put("checkpoint-store.type", "redis");
                            o.put("checkpoint-store.url", "redis://127.0.0.1:6379");
                        },
                        "'app-name' is required with 'checkpoint-store.type'"),
                bad(
                        "postgres without url",
                        o -> {
                            o.put("app-name", "a");
                            o.put("checkpoint-store.type", "postgres");
                        },
                        "'checkpoint-store.url' is required when 'checkpoint-store.type' is"
                                + " 'postgres'"),
                bad(
                        "mysql url for postgres",
                        o -> {
                            o.put("app-name", "a");
                            o.put("checkpoint-store.type", "postgres");
                            o.put("checkpoint-store.url", "jdbc:mysql://127.0.0.1/test");
                        },
                        "'checkpoint-store.url' for 'postgres' must start with jdbc:postgresql:"),
                bad(
                        "bad table name",
                        o -> {
                            o.put("app-name", "a");
                            o.put("checkpoint-store.type", "mysql");
                            o.put("checkpoint-store.url", "jdbc:mysql://127.0.0.1/test");
                            o.put("checkpoint-store.table", "x; drop table y");
                        },
                        "Invalid 'checkpoint-store.table'"),
                bad(
                        "url without store",
                        o -> o.put("checkpoint-store.url", "redis://x"),
                        "'checkpoint-store.url' needs 'checkpoint-store.type'"),
                bad(
                        "records limit",
                        o -> o.put("source.get-records.limit", "20000"),
                        "'source.get-records.limit' must be in 1..10000"),
                bad(
                        "not a number",
                        o -> o.put("source.get-records.limit", "many"),
                        "source.get-records.limit"));
    }

    private static Arguments bad(
            String name, Consumer<Map<String, String>> change, String... expected) {
        return Arguments.of(name, change, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badOptions")
    void badOptionsAreNamedInTheError(
            String name, Consumer<Map<String, String>> change, String[] expected) {
        Map<String, String> options = TableSources.validOptions();
        change.accept(options);
        assertThatThrownBy(() -> TableSources.create(options))
                .satisfies(
                        e -> {
                            String messages = TableSources.messages(e);
                            for (String part : expected) {
                                assertThat(messages).contains(part);
                            }
                        });
    }
}
