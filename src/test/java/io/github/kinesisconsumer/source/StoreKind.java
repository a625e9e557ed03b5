package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.Credentials;
import io.github.kinesisconsumer.store.CheckpointStoreFactory;
import io.github.kinesisconsumer.store.dynamodb.DynamoDbCheckpointStore;
import io.github.kinesisconsumer.store.jdbc.MySqlCheckpointStore;
import io.github.kinesisconsumer.store.jdbc.PostgresCheckpointStore;
import io.github.kinesisconsumer.store.redis.RedisCheckpointStore;

/** The checkpoint store backends the Flink mirroring tests run against (the real servers). */
enum StoreKind {
    MEMORY,
    POSTGRES,
    MYSQL,
    DYNAMODB,
    REDIS;

    CheckpointStoreFactory factory() {
        switch (this) {
            case MEMORY:
                return SharedMemoryStore::new;
            case POSTGRES:
                String pg = env("KC_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
                return () ->
                        PostgresCheckpointStore.builder()
                                .jdbcUrl(pg)
                                .user("postgres")
                                .tableName("kc_flink_mirror")
                                .createTable(true)
                                .build();
            case MYSQL:
                String mysql = env("KC_MYSQL_URL", "jdbc:mysql://127.0.0.1:3306/test");
                return () ->
                        MySqlCheckpointStore.builder()
                                .jdbcUrl(mysql)
                                .user("root")
                                .tableName("kc_flink_mirror")
                                .createTable(true)
                                .build();
            case DYNAMODB:
                String ddb = env("KC_DYNAMODB_ENDPOINT", "http://127.0.0.1:8000");
                return () ->
                        DynamoDbCheckpointStore.builder()
                                .tableName("kc_flink_mirror")
                                .region("us-east-1")
                                .endpoint(ddb)
                                .credentials(Credentials.basic("local", "local"))
                                .createTable(true)
                                .build();
            case REDIS:
                String redis = env("KC_REDIS_URL", "redis://127.0.0.1:6379");
                return () -> RedisCheckpointStore.builder().url(redis).build();
            default:
                throw new IllegalStateException(name());
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
