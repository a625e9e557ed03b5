package io.github.kinesisconsumer.bench;

import io.github.kinesisconsumer.kinesis.Credentials;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.dynamodb.DynamoDbCheckpointStore;
import io.github.kinesisconsumer.store.jdbc.MySqlCheckpointStore;
import io.github.kinesisconsumer.store.jdbc.PostgresCheckpointStore;
import io.github.kinesisconsumer.store.memory.InMemoryCheckpointStore;
import io.github.kinesisconsumer.store.redis.RedisCheckpointStore;
import io.github.kinesisconsumer.testing.CountingDataSource;

import java.math.BigInteger;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Mirror cost per checkpoint: the latency of one {@code putAll} of 10, 100 and 1,000 shard
 * positions, for each store backend on this machine's real servers. Run with {@code
 * scripts/bench.sh mirror} or {@code mvn -q exec:java}-style from the test classpath.
 *
 * <p>Prints a table and one {@code RESULT <name> <value> <unit>} line per figure.
 */
public final class MirrorLatencyBenchmark {

    private static final int ROUNDS = 30;
    private static final int WARMUP = 5;

    public static void main(String[] args) {
        Map<String, Supplier<CheckpointStore>> backends = new LinkedHashMap<>();
        backends.put("memory", InMemoryCheckpointStore::new);
        backends.put(
                "redis",
                () ->
                        RedisCheckpointStore.builder()
                                .url(env("KC_REDIS_URL", "redis://127.0.0.1:6379"))
                                .build());
        backends.put(
                "postgres",
                () ->
                        PostgresCheckpointStore.builder()
                                .jdbcUrl(env("KC_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test"))
                                .user("postgres")
                                .tableName("kc_bench_mirror")
                                .createTable(true)
                                .build());
        backends.put(
                "mysql",
                () ->
                        MySqlCheckpointStore.builder()
                                .jdbcUrl(env("KC_MYSQL_URL", "jdbc:mysql://127.0.0.1:3306/test"))
                                .user("root")
                                .tableName("kc_bench_mirror")
                                .createTable(true)
                                .build());
        backends.put(
                "dynamodb",
                () ->
                        DynamoDbCheckpointStore.builder()
                                .tableName("kc_bench_mirror")
                                .region("us-east-1")
                                .endpoint(env("KC_DYNAMODB_ENDPOINT", "http://127.0.0.1:8000"))
                                .credentials(Credentials.basic("local", "local"))
                                .createTable(true)
                                .build());
        int[] sizes = {10, 100, 1_000};
        System.out.printf(
                "Mirror latency: one putAll per checkpoint, median (p90) of %d rounds after %d"
                        + " warm-up%n",
                ROUNDS, WARMUP);
        System.out.printf(
                "%-10s %18s %18s %18s%n", "store", "10 shards", "100 shards", "1000 shards");
        List<String> results = new ArrayList<>();
        for (Map.Entry<String, Supplier<CheckpointStore>> backend : backends.entrySet()) {
            StringBuilder row = new StringBuilder(String.format("%-10s", backend.getKey()));
            try (CheckpointStore store = backend.getValue().get()) {
                for (int size : sizes) {
                    double[] stats = measure(store, size);
                    row.append(String.format(" %9.2f (%5.2f) ms", stats[0], stats[1]));
                    results.add(
                            String.format(
                                    "RESULT mirror_latency_%s_%d_shards_p50 %.3f ms",
                                    backend.getKey(), size, stats[0]));
                }
            } catch (RuntimeException e) {
                row.append("  unavailable: ").append(e.getMessage());
            }
            System.out.println(row);
        }
        results.add(countPostgresStatements());
        results.forEach(System.out::println);
    }

    /** Round trips of one 1,000-shard mirror into PostgreSQL, counted at the JDBC layer. */
    private static String countPostgresStatements() {
        String url = env("KC_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        CountingDataSource counting =
                new CountingDataSource(() -> DriverManager.getConnection(url, "postgres", ""));
        try (CheckpointStore store =
                PostgresCheckpointStore.builder()
                        .dataSource(counting.dataSource())
                        .tableName("kc_bench_mirror")
                        .createTable(true)
                        .build()) {
            measure(store, 10);
            counting.reset();
            Map<String, Checkpoint> batch = new HashMap<>();
            for (int s = 0; s < 1_000; s++) {
                batch.put(String.format("shardId-%012d", s), Checkpoint.at("9" + s));
            }
            store.putAll("bench-count-" + UUID.randomUUID(), "bench-stream", batch);
            int statements = counting.executions.get();
            System.out.printf(
                    "PostgreSQL: one mirror of 1,000 shard positions = %d statement(s)%n",
                    statements);
            return "RESULT mirror_postgres_1000_shards_statements " + statements + " count";
        }
    }

    private static double[] measure(CheckpointStore store, int shards) {
        String app = "bench-" + UUID.randomUUID();
        BigInteger base =
                new BigInteger("49590338271490256608559692538361571095921575989136588800");
        List<Double> millis = new ArrayList<>();
        for (int round = 0; round < WARMUP + ROUNDS; round++) {
            Map<String, Checkpoint> batch = new HashMap<>();
            for (int s = 0; s < shards; s++) {
                batch.put(
                        String.format("shardId-%012d", s),
                        Checkpoint.at(base.add(BigInteger.valueOf(round * 1_000L + s)).toString()));
            }
            long start = System.nanoTime();
            store.putAll(app, "bench-stream", batch);
            store.flush();
            if (round >= WARMUP) {
                millis.add((System.nanoTime() - start) / 1e6);
            }
        }
        Collections.sort(millis);
        return new double[] {millis.get(millis.size() / 2), millis.get(millis.size() * 9 / 10)};
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
