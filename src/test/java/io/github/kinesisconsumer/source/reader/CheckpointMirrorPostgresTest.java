package io.github.kinesisconsumer.source.reader;

import io.github.kinesisconsumer.kinesis.Backoff;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreFactory;
import io.github.kinesisconsumer.store.jdbc.PostgresCheckpointStore;
import io.github.kinesisconsumer.testing.TcpProxy;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static io.github.kinesisconsumer.source.reader.CheckpointMirrorTest.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mirror write that fails while PostgreSQL is unreachable (a {@link TcpProxy} taken dark) lands
 * once the database is back, by the mirror's own retries: no further checkpoint completes.
 */
class CheckpointMirrorPostgresTest {

    private static final String PG_URL = env("KC_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");

    @Test
    void positionsOfAFailedWriteLandAfterTheOutageWithoutAnotherCheckpoint() throws Exception {
        String table = "kc_mirror_retry_" + UUID.randomUUID().toString().substring(0, 8);
        String app = "mirror-retry-" + UUID.randomUUID();
        URI pg = URI.create(PG_URL.substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(pg.getHost(), pg.getPort())) {
            CheckpointStoreFactory viaProxy = postgres(proxy.port(), pg.getPath(), table);
            try (CheckpointStore create = viaProxy.create()) {
                assertThat(create.getAll(app, "s")).as("table created").isEmpty();
            }
            RecordingMetricGroup metrics = new RecordingMetricGroup();
            CheckpointMirror mirror =
                    new CheckpointMirror(
                            viaProxy,
                            app,
                            "s",
                            metrics,
                            0,
                            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1)),
                            Duration.ofSeconds(5));
            Map<String, Checkpoint> positions =
                    Map.of(
                            "shardId-000000000000", Checkpoint.at("4960000000000000001"),
                            "shardId-000000000001", Checkpoint.at("4960000000000000002", 3));
            try {
                proxy.goDark();
                mirror.snapshotTaken(7, positions);
                mirror.checkpointCompleted(7);
                await(
                        () -> metrics.count("mirrorFailures") >= 3,
                        "three failed attempts while the database is dark");
                long whileDark = metrics.count("mirrorFailures");

                proxy.restore();
                long restored = System.nanoTime();
                await(() -> read(viaProxy, app).equals(positions), "the positions to land");
                System.out.printf(
                        "mirror retry: %d failed attempts while dark; landed %d ms after restore%n",
                        whileDark, (System.nanoTime() - restored) / 1_000_000);
                assertThat(metrics.gauges.get("lastMirroredCheckpointId").getValue()).isEqualTo(7L);
            } finally {
                mirror.close();
                try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "");
                        Statement s = c.createStatement()) {
                    s.execute("DROP TABLE IF EXISTS " + table);
                }
            }
        }
    }

    private static CheckpointStoreFactory postgres(int port, String database, String table) {
        String url =
                "jdbc:postgresql://127.0.0.1:"
                        + port
                        + database
                        + "?connectTimeout=2&socketTimeout=2";
        return () ->
                PostgresCheckpointStore.builder()
                        .jdbcUrl(url)
                        .user("postgres")
                        .tableName(table.toLowerCase(Locale.ROOT))
                        .createTable(true)
                        .build();
    }

    private static Map<String, Checkpoint> read(CheckpointStoreFactory stores, String app) {
        try (CheckpointStore store = stores.create()) {
            return store.getAll(app, "s");
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
