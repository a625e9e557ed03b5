package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.PollerOptions;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.jdbc.PostgresCheckpointStore;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** Test helpers: a PostgreSQL store, consumers, a scan run in the background. */
final class ConsumerHarness {

    private ConsumerHarness() {}

    static CheckpointStore postgres() {
        String url =
                System.getenv().getOrDefault("KC_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        return PostgresCheckpointStore.builder()
                .jdbcUrl(url)
                .user("postgres")
                .tableName("kc_consumer_test")
                .createTable(true)
                .build();
    }

    static KinesisConsumerBuilder consumer(
            ClientSettings settings, String stream, String app, CheckpointStore store) {
        return KinesisConsumer.builder()
                .streamName(stream)
                .appName(app)
                .clientSettings(settings)
                .checkpointStore(store)
                .startingPosition(StartingPosition.trimHorizon())
                .discoveryInterval(Duration.ofSeconds(1))
                .pollerOptions(
                        PollerOptions.builder().idlePollInterval(Duration.ofMillis(50)).build());
    }

    /** Runs a scan on another thread; the future completes when the scan returns or throws. */
    interface Scan {
        void run() throws Exception;
    }

    static CompletableFuture<Void> inBackground(Scan scan) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t =
                new Thread(
                        () -> {
                            try {
                                scan.run();
                                done.complete(null);
                            } catch (Throwable e) {
                                done.completeExceptionally(e);
                            }
                        },
                        "test-scan");
        t.setDaemon(true);
        t.start();
        return done;
    }

    /**
     * Scans in the background, counting each record into {@code seen} and answering {@code result}.
     */
    static CompletableFuture<Void> scanCounting(
            KinesisConsumer consumer, AtomicInteger seen, ScanResult result) {
        return inBackground(
                () ->
                        consumer.scan(
                                r -> {
                                    seen.incrementAndGet();
                                    return result;
                                }));
    }

    static void waitFor(BooleanSupplier condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    static void await(CompletableFuture<Void> scan) throws Exception {
        scan.get(60, TimeUnit.SECONDS);
    }
}
