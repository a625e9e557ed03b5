package io.github.kinesisconsumer.source.reader;

import io.github.kinesisconsumer.kinesis.Backoff;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.testing.Await;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mirror's retries and close against a scripted store, where attempts can be counted exactly
 * and a write can be held inside {@code putAll}; the same retry against PostgreSQL is in {@link
 * CheckpointMirrorPostgresTest}.
 */
class CheckpointMirrorTest {

    private static final String APP = "app";
    private static final String STREAM = "stream";

    @Test
    void failedWriteIsRetriedOnATimerUntilItLandsWithoutFurtherCheckpoints() throws Exception {
        ScriptedStore store = new ScriptedStore(3);
        RecordingMetricGroup metrics = new RecordingMetricGroup();
        CheckpointMirror mirror =
                mirror(store, metrics, Duration.ofMillis(20), Duration.ofSeconds(5));
        Map<String, Checkpoint> positions =
                Map.of("s0", Checkpoint.at("100"), "s1", Checkpoint.at("200"));

        mirror.snapshotTaken(1, positions);
        mirror.checkpointCompleted(1);

        await(() -> store.stored().equals(positions), "the positions to land by retries alone");
        Thread.sleep(300);
        mirror.close();
        assertThat(store.attempts).as("3 failed attempts, then 1 that succeeded").hasValue(4);
        assertThat(metrics.count("mirrorFailures")).isEqualTo(3);
        assertThat(store.accepted).containsExactly(positions);
        assertThat(store.opened).as("a failed write reconnects").hasValue(4);
        assertThat(store.closed).as("every connection is closed").hasValue(4);
        assertThat(metrics.gauges.get("lastMirroredCheckpointId").getValue()).isEqualTo(1L);
    }

    @Test
    void newerCheckpointReplacesAFailedBatchAndStopsItsRetries() throws Exception {
        ScriptedStore store = new ScriptedStore(1);
        RecordingMetricGroup metrics = new RecordingMetricGroup();
        CheckpointMirror mirror =
                mirror(store, metrics, Duration.ofMillis(400), Duration.ofMillis(400));

        mirror.snapshotTaken(1, Map.of("s0", Checkpoint.at("100"), "s1", Checkpoint.at("200")));
        mirror.checkpointCompleted(1);
        await(() -> store.attempts.get() == 1, "the first, failing write");
        Thread.sleep(50);
        mirror.snapshotTaken(2, Map.of("s0", Checkpoint.at("150")));
        mirror.checkpointCompleted(2);
        Map<String, Checkpoint> expected =
                Map.of("s0", Checkpoint.at("150"), "s1", Checkpoint.at("200"));
        await(() -> store.stored().equals(expected), "the newer batch");
        Thread.sleep(1_000);
        mirror.close();

        assertThat(store.attempts)
                .as("the failed batch rode along with checkpoint 2; its retry timer was dropped")
                .hasValue(2);
        assertThat(store.accepted).containsExactly(expected);
        assertThat(metrics.gauges.get("lastMirroredCheckpointId").getValue()).isEqualTo(2L);
    }

    @Test
    void retryNeverMovesAStoredPositionBackwards() throws Exception {
        ScriptedStore store = new ScriptedStore(2);
        CheckpointMirror mirror = mirror(store, Duration.ofMillis(30));
        for (int id = 1; id <= 20; id++) {
            mirror.snapshotTaken(id, Map.of("s0", Checkpoint.at(Integer.toString(1000 + id))));
            mirror.checkpointCompleted(id);
            Thread.sleep(ThreadLocalRandom.current().nextInt(10));
        }
        await(() -> Checkpoint.at("1020").equals(store.stored().get("s0")), "the last position");
        mirror.close();
        long previous = 0;
        for (Map<String, Checkpoint> write : store.accepted) {
            long seq = Long.parseLong(write.get("s0").sequenceNumber());
            assertThat(seq).as("writes in order: %s", store.accepted).isGreaterThan(previous);
            previous = seq;
        }
    }

    /**
     * close() while the mirror thread is inside a slow write, with a close timeout shorter than the
     * write: the store is closed only after the write returned, by the mirror thread, and exactly
     * once per connection. 400 rounds with random timings, three times.
     */
    @RepeatedTest(3)
    void closeDuringASlowWriteNeverClosesTheStoreUnderTheWrite() throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int closedBeforeWriteReturned = 0;
        for (int round = 0; round < 400; round++) {
            ScriptedStore store = new ScriptedStore(random.nextInt(2));
            store.blockWrites();
            CheckpointMirror mirror =
                    mirror(
                            store,
                            new RecordingMetricGroup(),
                            Duration.ofMillis(1 + random.nextInt(3)),
                            Duration.ofMillis(random.nextInt(4)));
            mirror.snapshotTaken(1, Map.of("s0", Checkpoint.at("100")));
            mirror.checkpointCompleted(1);
            store.awaitWriting();
            int releaseAfterMicros = random.nextInt(6_000);
            Thread releaser =
                    new Thread(
                            () -> {
                                sleepMicros(releaseAfterMicros);
                                store.release();
                            });
            releaser.start();
            mirror.close();
            if (store.closed.get() == 0 && releaser.isAlive()) {
                closedBeforeWriteReturned++;
            }
            releaser.join();
            int r = round;
            await(
                    () -> store.closed.get() == store.opened.get(),
                    "round " + r + ": every connection closed after the write returned");
            assertThat(store.closedDuringWrite)
                    .as("round %d: closed under a write", round)
                    .hasValue(0);
            assertThat(store.writesAfterClose)
                    .as("round %d: wrote on a closed store", round)
                    .hasValue(0);
        }
        System.out.printf(
                "close during a slow write: 400 rounds, %d returned before the write did%n",
                closedBeforeWriteReturned);
        assertThat(closedBeforeWriteReturned).as("the race was exercised").isPositive();
    }

    @Test
    void closeWritesWhatIsStillUnwrittenOnce() throws Exception {
        ScriptedStore store = new ScriptedStore(1);
        CheckpointMirror mirror = mirror(store, Duration.ofSeconds(30));
        mirror.snapshotTaken(1, Map.of("s0", Checkpoint.at("100")));
        mirror.checkpointCompleted(1);
        await(() -> store.attempts.get() == 1, "the failing write");
        mirror.close();
        assertThat(store.attempts).as("one last attempt at close").hasValue(2);
        assertThat(store.stored()).isEqualTo(Map.of("s0", Checkpoint.at("100")));
        assertThat(store.closed.get()).isEqualTo(store.opened.get());
    }

    private static CheckpointMirror mirror(ScriptedStore store, Duration retryBase) {
        return mirror(store, new RecordingMetricGroup(), retryBase, Duration.ofSeconds(5));
    }

    private static CheckpointMirror mirror(
            ScriptedStore store, RecordingMetricGroup metrics, Duration retryBase, Duration close) {
        return new CheckpointMirror(
                store,
                APP,
                STREAM,
                metrics,
                0,
                new Backoff(retryBase, retryBase.multipliedBy(4)),
                close);
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Await.until(condition, Duration.ofSeconds(10), what);
    }

    private static void sleepMicros(long micros) {
        long end = System.nanoTime() + micros * 1_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
