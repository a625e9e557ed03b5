package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStoreException;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.LocalPostgres;
import io.github.kinesisconsumer.testing.StoreWatcher;
import io.github.kinesisconsumer.testing.TcpProxy;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.github.kinesisconsumer.consumer.ConsumerHarness.consumer;
import static io.github.kinesisconsumer.consumer.ConsumerHarness.inBackground;
import static io.github.kinesisconsumer.consumer.ConsumerHarness.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 5 of issue 9 for the standalone consumer: PostgreSQL dark for 20 s behind a TCP proxy.
 * Within the configured limit ({@code checkpointAttempts}) the scan rides the outage out and
 * delivers every record once; past it the scan stops with an error naming the limit, no stored
 * position goes backwards, and a new consumer resumes exactly after the stored positions.
 */
class ConsumerReliabilityScenariosTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESALITE = KinesisEmulatorExtension.kinesalite();

    @Test
    void scenario5StoreDarkFor20sWithinTheAttemptLimit() throws Exception {
        TestStream stream = KINESALITE.createStream(4);
        String app = "s5-consumer-" + UUID.randomUUID();
        long start = System.nanoTime();
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        try (TcpProxy pg = new TcpProxy("127.0.0.1", LocalPostgres.port());
                StoreWatcher watcher =
                        StoreWatcher.start(
                                LocalPostgres.store(
                                        LocalPostgres.port(), "kc_reliability_consumer"),
                                app,
                                stream.name(),
                                200)) {
            List<WrittenRecord> written = new ArrayList<>(put(stream, 10_000, "a-"));
            // 15 attempts back off for at least 23 s in all (100 ms doubling to 5 s, jittered)
            KinesisConsumer c =
                    consumer(
                                    KINESALITE.clientSettings(),
                                    stream.name(),
                                    app,
                                    LocalPostgres.store(pg.port(), "kc_reliability_consumer"))
                            .checkpointAttempts(15)
                            .build();
            CompletableFuture<Void> scan = inBackground(() -> c.scan(r -> record(seen, r)));
            waitFor(() -> seen.size() >= 10_000, Duration.ofSeconds(60), "the first records");
            pg.goDark();
            long darkAt = System.nanoTime();
            int beforeDark = seen.size();
            written.addAll(put(stream, 10_000, "b-"));
            Thread.sleep(Math.max(0, 20_000 - (System.nanoTime() - darkAt) / 1_000_000));
            int whileDark = seen.size() - beforeDark;
            assertThat(scan).as("the scan still runs after 20 s dark").isNotDone();
            pg.restore();
            Map<String, String> last = lastSequencePerShard(written);
            waitFor(
                    () -> seen.size() >= written.size() && last.equals(sequences(watcher)),
                    Duration.ofSeconds(60),
                    "all records read and checkpointed");
            c.close();
            ConsumerHarness.await(scan);
            Tally tally = Tally.of(written, seen);
            System.out.println(
                    tally.line(
                            "consumer-store-dark-20s-within-limit",
                            String.format(
                                    "PostgreSQL dark 20 s behind TcpProxy, checkpointAttempts=15;"
                                            + " %d records delivered while dark (lanes wait on"
                                            + " their checkpoint); store caught up; %d store"
                                            + " reads, %d regressions",
                                    whileDark, watcher.reads(), watcher.regressions().size()),
                            start));
            assertThat(watcher.regressions()).isEmpty();
            tally.assertExact();
        }
    }

    @Test
    void scenario5StoreDarkPastTheAttemptLimitStopsTheScanClearly() throws Exception {
        TestStream stream = KINESALITE.createStream(4);
        String app = "s5-consumer-limit-" + UUID.randomUUID();
        long start = System.nanoTime();
        Map<String, AtomicInteger> firstRun = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> secondRun = new ConcurrentHashMap<>();
        try (TcpProxy pg = new TcpProxy("127.0.0.1", LocalPostgres.port());
                StoreWatcher watcher =
                        StoreWatcher.start(
                                LocalPostgres.store(
                                        LocalPostgres.port(), "kc_reliability_consumer"),
                                app,
                                stream.name(),
                                100)) {
            List<WrittenRecord> written = new ArrayList<>(put(stream, 10_000, "a-"));
            KinesisConsumer c =
                    consumer(
                                    KINESALITE.clientSettings(),
                                    stream.name(),
                                    app,
                                    LocalPostgres.store(pg.port(), "kc_reliability_consumer"))
                            .checkpointAttempts(4)
                            .build();
            CompletableFuture<Void> scan = inBackground(() -> c.scan(r -> record(firstRun, r)));
            Map<String, String> firstLast = lastSequencePerShard(written);
            waitFor(
                    () -> firstLast.equals(sequences(watcher)),
                    Duration.ofSeconds(60),
                    "the first records checkpointed");
            Map<String, Checkpoint> beforeDark = watcher.latest();
            pg.goDark();
            long darkAt = System.nanoTime();
            written.addAll(put(stream, 2_000, "b-"));
            Throwable failure = null;
            try {
                scan.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                failure = e.getCause();
            }
            long stoppedAfter = (System.nanoTime() - darkAt) / 1_000_000;
            c.close();
            pg.restore();
            Thread.sleep(500);
            Map<String, Checkpoint> afterStop = watcher.latest();

            Set<String> expectedSecond = new HashSet<>();
            for (WrittenRecord w : written) {
                Checkpoint stored = afterStop.get(w.shardId);
                if (stored == null
                        || new BigInteger(w.sequenceNumber).compareTo(stored.numericSequence())
                                > 0) {
                    expectedSecond.add(w.text());
                }
            }
            KinesisConsumer resumed =
                    consumer(
                                    KINESALITE.clientSettings(),
                                    stream.name(),
                                    app,
                                    LocalPostgres.store(
                                            LocalPostgres.port(), "kc_reliability_consumer"))
                            .build();
            CompletableFuture<Void> scan2 =
                    inBackground(() -> resumed.scan(r -> record(secondRun, r)));
            waitFor(
                    () -> secondRun.size() >= expectedSecond.size(),
                    Duration.ofSeconds(60),
                    "the resumed consumer to read the rest");
            Thread.sleep(1_000);
            resumed.close();
            ConsumerHarness.await(scan2);

            Map<String, AtomicInteger> both = new ConcurrentHashMap<>(firstRun);
            secondRun.forEach(
                    (k, v) -> both.computeIfAbsent(k, x -> new AtomicInteger()).addAndGet(v.get()));
            Tally tally = Tally.of(written, both);
            System.out.println(
                    tally.line(
                            "consumer-store-dark-past-limit",
                            String.format(
                                    "checkpointAttempts=4: scan stopped %d ms after the store"
                                            + " went dark with: %s; %d regressions; a new"
                                            + " consumer read the %d records after the stored"
                                            + " positions (the %d redelivered had been delivered"
                                            + " but not checkpointed: at-least-once)",
                                    stoppedAfter,
                                    failure == null ? "no error" : brief(failure.getMessage()),
                                    watcher.regressions().size(),
                                    secondRun.size(),
                                    tally.duplicated),
                            start));
            assertThat(failure)
                    .isInstanceOf(CheckpointStoreException.class)
                    .hasMessageContaining("could not be written after 4 attempts")
                    .hasMessageContaining("checkpointAttempts");
            assertThat(watcher.regressions()).isEmpty();
            beforeDark.forEach(
                    (shard, c0) -> assertThat(afterStop.get(shard)).isGreaterThanOrEqualTo(c0));
            assertThat(secondRun.keySet()).isEqualTo(expectedSecond);
            assertThat(tally.lost).isZero();
            for (AtomicInteger n : secondRun.values()) {
                assertThat(n.get()).isEqualTo(1);
            }
        }
    }

    private static String brief(String message) {
        int cut = message.indexOf(": PostgreSQL");
        return cut > 0 ? message.substring(0, cut) + " ..." : message;
    }

    private static ScanResult record(Map<String, AtomicInteger> seen, ScanRecord r) {
        seen.computeIfAbsent(r.dataAsString(), k -> new AtomicInteger()).incrementAndGet();
        return ScanResult.CONTINUE;
    }

    private static List<WrittenRecord> put(TestStream stream, int count, String prefix) {
        return stream.put(count, i -> "k" + (i % 100), i -> prefix + i);
    }

    private static Map<String, String> lastSequencePerShard(List<WrittenRecord> written) {
        Map<String, String> last = new ConcurrentHashMap<>();
        for (WrittenRecord w : written) {
            last.put(w.shardId, w.sequenceNumber);
        }
        return last;
    }

    private static Map<String, String> sequences(StoreWatcher watcher) {
        Map<String, String> out = new ConcurrentHashMap<>();
        watcher.latest().forEach((shard, c) -> out.put(shard, c.sequenceNumber()));
        return out;
    }

    /** Written records against delivered ones, by payload. */
    private static final class Tally {
        final long written;
        final long read;
        final long lost;
        final long duplicated;

        private Tally(long written, long read, long lost, long duplicated) {
            this.written = written;
            this.read = read;
            this.lost = lost;
            this.duplicated = duplicated;
        }

        static Tally of(List<WrittenRecord> written, Map<String, AtomicInteger> seen) {
            long lost = 0;
            for (WrittenRecord w : written) {
                if (!seen.containsKey(w.text())) {
                    lost++;
                }
            }
            long read = 0;
            long duplicated = 0;
            for (AtomicInteger n : seen.values()) {
                read += n.get();
                duplicated += n.get() - 1;
            }
            return new Tally(written.size(), read, lost, duplicated);
        }

        String line(String name, String faults, long startNanos) {
            return String.format(
                    "SCENARIO 5 %s: written=%d read=%d lost=%d duplicated=%d faults=[%s]"
                            + " time=%.1fs",
                    name,
                    written,
                    read,
                    lost,
                    duplicated,
                    faults,
                    (System.nanoTime() - startNanos) / 1e9);
        }

        void assertExact() {
            assertThat(lost).as("lost").isZero();
            assertThat(duplicated).as("duplicated").isZero();
            assertThat(read).isEqualTo(written);
        }
    }
}
