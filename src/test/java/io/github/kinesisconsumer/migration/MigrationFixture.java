package io.github.kinesisconsumer.migration;

import io.github.kinesisconsumer.consumer.KinesisConsumer;
import io.github.kinesisconsumer.consumer.ScanResult;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.jdbc.PostgresCheckpointStore;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.WrittenRecord;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the end-to-end migration tests share: the command-line tool run in-process, the PostgreSQL
 * store it writes, the standalone consumer that continues from that store, and the check that every
 * expected record arrives once, in write order per key.
 */
final class MigrationFixture {

    static final String PG = env("KC_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String STORE_TABLE = "kc_migration";
    private static final Duration QUIET = Duration.ofSeconds(8);

    private MigrationFixture() {}

    /** Runs {@link MigratePositions} with {@code args}, capturing its output. */
    static ToolRun migrate(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit =
                MigratePositions.run(
                        args,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        ToolRun run =
                new ToolRun(
                        exit,
                        out.toString(StandardCharsets.UTF_8),
                        err.toString(StandardCharsets.UTF_8));
        System.out.print(run.all());
        return run;
    }

    /** The tool's options for writing into {@link #postgresStore()} under {@code app}. */
    static List<String> postgresStoreOptions(String app) {
        return List.of(
                "--app=" + app,
                "--checkpoint-store.type=postgres",
                "--checkpoint-store.url=" + PG,
                "--checkpoint-store.user=postgres",
                "--checkpoint-store.table=" + STORE_TABLE,
                "--create-table");
    }

    static CheckpointStore postgresStore() {
        return PostgresCheckpointStore.builder()
                .jdbcUrl(PG)
                .user("postgres")
                .tableName(STORE_TABLE)
                .createTable(true)
                .build();
    }

    /** {@link #consume} from {@link #postgresStore()}. */
    static List<Delivery> consumeFromStore(
            KinesisEmulatorExtension kinesis, String stream, String app, int count)
            throws Exception {
        try (CheckpointStore store = postgresStore()) {
            return consume(kinesis, stream, app, store, count);
        }
    }

    /**
     * Scans {@code stream} with the standalone consumer from the positions {@code store} holds
     * under {@code app} (LATEST where none is stored) until {@code count} records arrived, 8 s
     * passed without a new one, or 60 s in all; then 1.5 s more to catch extra ones. Returns the
     * records in delivery order.
     */
    static List<Delivery> consume(
            KinesisEmulatorExtension kinesis,
            String stream,
            String app,
            CheckpointStore store,
            int count)
            throws Exception {
        List<Delivery> read = new ArrayList<>();
        try (KinesisConsumer consumer =
                KinesisConsumer.builder()
                        .streamName(stream)
                        .appName(app)
                        .clientSettings(kinesis.clientSettings())
                        .checkpointStore(store)
                        .startingPosition(StartingPosition.latest())
                        .discoveryInterval(Duration.ofSeconds(1))
                        .build()) {
            Thread scan =
                    new Thread(
                            () -> {
                                try {
                                    consumer.scan(
                                            r -> {
                                                synchronized (read) {
                                                    read.add(
                                                            new Delivery(
                                                                    r.shardId(),
                                                                    r.partitionKey(),
                                                                    r.dataAsString()));
                                                }
                                                return ScanResult.CONTINUE;
                                            });
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            scan.setDaemon(true);
            scan.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int seen = 0;
            long lastNew = System.nanoTime();
            while (seen < count
                    && System.nanoTime() < deadline
                    && System.nanoTime() - lastNew < QUIET.toNanos()) {
                Thread.sleep(50);
                int now = size(read);
                if (now > seen) {
                    seen = now;
                    lastNew = System.nanoTime();
                }
            }
            Thread.sleep(1_500);
            consumer.close();
            scan.join(30_000);
        }
        synchronized (read) {
            return new ArrayList<>(read);
        }
    }

    /**
     * {@code read} holds exactly the {@code expected} records, each once, in write order per key.
     */
    static void assertReadOnceInKeyOrder(List<Delivery> read, List<WrittenRecord> expected) {
        Map<String, List<String>> got = new LinkedHashMap<>();
        for (Delivery r : read) {
            got.computeIfAbsent(r.partitionKey, k -> new ArrayList<>()).add(r.data);
        }
        Map<String, List<String>> want = new LinkedHashMap<>();
        for (WrittenRecord w : expected) {
            want.computeIfAbsent(w.partitionKey, k -> new ArrayList<>()).add(w.text());
        }
        System.out.printf("migration: read %d of %d expected%n", read.size(), expected.size());
        assertThat(read).as("records read").hasSize(expected.size());
        assertThat(got).as("per key, in write order").isEqualTo(want);
    }

    private static int size(List<?> list) {
        synchronized (list) {
            return list.size();
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    /** A record the consumer delivered. */
    static final class Delivery {
        final String shardId;
        final String partitionKey;
        final String data;

        Delivery(String shardId, String partitionKey, String data) {
            this.shardId = shardId;
            this.partitionKey = partitionKey;
            this.data = data;
        }
    }

    /** One run of the tool: exit code, standard output, standard error. */
    static final class ToolRun {
        final int exit;
        final String out;
        final String err;

        ToolRun(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        String all() {
            return "exit " + exit + "\n" + out + err;
        }
    }
}
