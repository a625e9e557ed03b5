package io.github.kinesisconsumer.examples;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.Credentials;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.KinesisSource;
import io.github.kinesisconsumer.source.KinesisSourceBuilder;
import io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointKey;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreFactory;
import io.github.kinesisconsumer.store.dynamodb.DynamoDbCheckpointStore;
import io.github.kinesisconsumer.store.jdbc.MySqlCheckpointStore;
import io.github.kinesisconsumer.store.jdbc.PostgresCheckpointStore;
import io.github.kinesisconsumer.store.memory.InMemoryCheckpointStore;
import io.github.kinesisconsumer.store.redis.RedisCheckpointStore;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The settings every example shares: where Kinesis is and which checkpoint store to use.
 *
 * <ul>
 *   <li>{@code --endpoint URL}: a Kinesis emulator (default {@code $KC_KINESIS_LOCAL_ENDPOINT} or
 *       http://127.0.0.1:4567), or {@code --endpoint aws --region eu-west-1} for real Kinesis with
 *       the default credentials chain.
 *   <li>{@code --cbor false}: needed for kinesalite.
 *   <li>{@code --store postgres|mysql|redis|dynamodb|memory} (default postgres), reached at {@code
 *       $KC_PG_URL}, {@code $KC_MYSQL_URL}, {@code $KC_REDIS_URL}, {@code $KC_DYNAMODB_ENDPOINT}
 *       (the servers of scripts/services.sh by default); {@code --table} (default
 *       kinesis_checkpoints).
 * </ul>
 */
final class Setup {

    static final String DEFAULT_TABLE = "kinesis_checkpoints";

    private Setup() {}

    static ClientSettings kinesis(Args args) {
        String endpoint =
                args.get(
                        "endpoint", Args.env("KC_KINESIS_LOCAL_ENDPOINT", "http://127.0.0.1:4567"));
        boolean cbor = args.getBoolean("cbor", true);
        if (endpoint.equals("aws")) {
            return ClientSettings.builder()
                    .region(args.get("region", "us-east-1"))
                    .credentials(Credentials.defaultChain())
                    .cborEnabled(cbor)
                    .build();
        }
        return ClientSettings.builder()
                .region(args.get("region", "us-east-1"))
                .endpoint(endpoint)
                .credentials(Credentials.basic("local", "local"))
                .cborEnabled(cbor)
                .build();
    }

    /**
     * The jobs' source of order events (JSON, undecodable records skipped): each shard from its
     * stored position, else from {@code fallback}.
     */
    static KinesisSourceBuilder<OrderEvent> orderSource(
            Args args, String stream, String app, StartingPosition fallback) {
        return KinesisSource.<OrderEvent>builder()
                .streamName(stream)
                .appName(app)
                .clientSettings(kinesis(args))
                .checkpointStore(stores(args))
                .startingPosition(StartingPosition.fromStore(fallback))
                .deserializer(KinesisDeserializationSchema.of(OrderEvent.jsonSchema()))
                .skipUndeserializableRecords();
    }

    /** A serializable recipe for the store chosen with {@code --store}. */
    static CheckpointStoreFactory stores(Args args) {
        String kind = args.get("store", "postgres").toLowerCase(Locale.ROOT);
        String table = args.get("table", DEFAULT_TABLE);
        switch (kind) {
            case "postgres":
                String pg =
                        args.get(
                                "jdbc-url",
                                Args.env("KC_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test"));
                String pgUser = args.get("db-user", "postgres");
                return () ->
                        PostgresCheckpointStore.builder()
                                .jdbcUrl(pg)
                                .user(pgUser)
                                .tableName(table)
                                .createTable(true)
                                .build();
            case "mysql":
                String mysql =
                        args.get(
                                "jdbc-url",
                                Args.env("KC_MYSQL_URL", "jdbc:mysql://127.0.0.1:3306/test"));
                String mysqlUser = args.get("db-user", "root");
                return () ->
                        MySqlCheckpointStore.builder()
                                .jdbcUrl(mysql)
                                .user(mysqlUser)
                                .tableName(table)
                                .createTable(true)
                                .build();
            case "redis":
                String redis =
                        args.get("redis-url", Args.env("KC_REDIS_URL", "redis://127.0.0.1:6379"));
                return () -> RedisCheckpointStore.builder().url(redis).build();
            case "dynamodb":
                String ddb =
                        args.get(
                                "dynamodb-endpoint",
                                Args.env("KC_DYNAMODB_ENDPOINT", "http://127.0.0.1:8000"));
                return () ->
                        DynamoDbCheckpointStore.builder()
                                .tableName(table)
                                .region("us-east-1")
                                .endpoint(ddb)
                                .credentials(Credentials.basic("local", "local"))
                                .createTable(true)
                                .build();
            case "memory":
                return SharedMemoryStore::new;
            default:
                throw new IllegalArgumentException(
                        "--store must be postgres, mysql, redis, dynamodb or memory, not '"
                                + kind
                                + "'");
        }
    }

    /**
     * The in-memory store, shared by everything in one JVM (an embedded Flink job and a consumer
     * run after it); in a cluster each process has its own, so it only suits local runs.
     */
    static final class SharedMemoryStore implements CheckpointStore {

        private static final InMemoryCheckpointStore SHARED = new InMemoryCheckpointStore();

        @Override
        public Optional<Checkpoint> get(CheckpointKey key) {
            return SHARED.get(key);
        }

        @Override
        public Map<String, Checkpoint> getAll(String appName, String streamName) {
            return SHARED.getAll(appName, streamName);
        }

        @Override
        public void putAll(String appName, String streamName, Map<String, Checkpoint> checkpoints) {
            SHARED.putAll(appName, streamName, checkpoints);
        }

        @Override
        public void delete(CheckpointKey key) {
            SHARED.delete(key);
        }

        @Override
        public void close() {}
    }
}
