package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.consumer.KinesisConsumer;
import io.github.kinesisconsumer.consumer.ScanFunction;
import io.github.kinesisconsumer.consumer.ScanResult;
import io.github.kinesisconsumer.kinesis.PollerOptions;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreFactory;
import io.github.kinesisconsumer.testing.Await;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A standalone consumer stops, the stream is resharded, and reading resumes from the store: (b) a
 * Flink job started from the store and (a) a restarted consumer each read every record written
 * after the stored positions exactly once, in per-key order. The Flink job runs without Flink
 * checkpoints, so it mirrors nothing and the restarted consumer starts from the same stored
 * positions. kinesis-local (split, merge, child shards) and PostgreSQL.
 */
class RestartAfterReshardTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkCluster.of(1, 2);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    private static final int KEYS = 40;
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final CheckpointStoreFactory stores = StoreKind.POSTGRES.factory();
    private CheckpointStore store;
    private String app;
    private int nextPayload;

    @BeforeEach
    void setUp() {
        store = stores.create();
        app = "reshard-restart-" + UUID.randomUUID();
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    /**
     * Point 4: children that exist at the restart and have no stored position start at TRIM_HORIZON
     * because an ancestor (parent or grandparent) has one, not at the fallback LATEST.
     */
    @Test
    void afterSplitAndMergeEveryRecordAfterTheStoredPositionsIsReadOnce() throws Exception {
        TestStream stream = KINESIS.createStream(4);
        List<String> parents = stream.shardIds();
        List<WrittenRecord> written = new ArrayList<>();

        // the first consumer (default starting position LATEST) reads, then is closed mid-shard
        Set<String> shardsSeen = ConcurrentHashMap.newKeySet();
        AtomicInteger seen = new AtomicInteger();
        try (KinesisConsumer first = consumer(stream)) {
            Thread scan =
                    scanInBackground(
                            first,
                            r -> {
                                shardsSeen.add(r.shardId());
                                seen.incrementAndGet();
                                return ScanResult.CONTINUE;
                            });
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (shardsSeen.size() < parents.size() || seen.get() < 200) {
                assertThat(System.nanoTime()).as("first consumer reading").isLessThan(deadline);
                written.addAll(put(stream, 40));
                Thread.sleep(100);
            }
            first.close();
            scan.join(30_000);
        }
        Map<String, Checkpoint> positions = store.getAll(app, stream.name());
        assertThat(positions.keySet()).containsExactlyInAnyOrderElementsOf(parents);

        // more writes to the parents, then split (and split a child again) and merge
        written.addAll(put(stream, 200));
        stream.split(parents.get(0));
        List<String> children = newShards(stream, parents);
        written.addAll(put(stream, 200));
        stream.split(children.get(0));
        stream.merge(parents.get(2), parents.get(3));
        written.addAll(put(stream, 800));
        List<WrittenRecord> expected = after(written, positions);
        System.out.printf(
                "reshard restart: %d shards now, %d of %d records after the stored positions%n",
                stream.shardIds().size(), expected.size(), written.size());

        // (b) a Flink job started from the store
        List<String[]> flink = readWithFlink(stream, expected.size());
        assertThat(store.getAll(app, stream.name()))
                .as("the store, untouched by the Flink job")
                .isEqualTo(positions);
        assertReadOnceInKeyOrder("Flink job from the store", flink, expected);

        // (a) a restarted consumer
        List<String[]> restarted = readWithConsumer(stream, expected.size());
        assertReadOnceInKeyOrder("restarted consumer", restarted, expected);
    }

    /**
     * Point 4b: a parent's last records were skipped (SKIP_CHECKPOINT), then the shard split and
     * the children were read and checkpointed. After a restart the skipped tail comes again, before
     * the children resume from their own stored positions.
     */
    @Test
    void skippedTailOfAClosedParentIsDeliveredAgainBeforeItsChildrenResume() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        String parent = stream.shardIds().get(0);
        List<WrittenRecord> parentRecords = put(stream, 100);
        List<WrittenRecord> tail = parentRecords.subList(90, 100);
        Set<String> skipped = ConcurrentHashMap.newKeySet();
        tail.forEach(w -> skipped.add(w.text()));

        AtomicInteger seen = new AtomicInteger();
        try (KinesisConsumer first =
                KinesisConsumer.builder()
                        .streamName(stream.name())
                        .appName(app)
                        .clientSettings(KINESIS.clientSettings())
                        .checkpointStore(store)
                        .startingPosition(StartingPosition.trimHorizon())
                        .discoveryInterval(Duration.ofSeconds(1))
                        .build()) {
            Thread scan =
                    scanInBackground(
                            first,
                            r -> {
                                seen.incrementAndGet();
                                return skipped.contains(r.dataAsString())
                                        ? ScanResult.SKIP_CHECKPOINT
                                        : ScanResult.CONTINUE;
                            });
            Await.until(() -> seen.get() >= 100, WAIT, "the parent's 100 records");
            stream.split(parent);
            put(stream, 200);
            Await.until(() -> seen.get() >= 300, WAIT, "the children's 200 records");
            Thread.sleep(500);
            first.close();
            scan.join(30_000);
        }
        Map<String, Checkpoint> positions = store.getAll(app, stream.name());
        assertThat(positions).hasSize(3);
        assertThat(positions.get(parent))
                .as("the parent's position: before its skipped tail, not finished")
                .isEqualTo(Checkpoint.at(parentRecords.get(89).sequenceNumber));

        List<WrittenRecord> later = put(stream, 100);
        List<WrittenRecord> expected = new ArrayList<>(tail);
        expected.addAll(later);

        List<String[]> flink = readWithFlink(stream, expected.size());
        assertThat(store.getAll(app, stream.name())).isEqualTo(positions);
        assertReadOnceInKeyOrder("Flink job from the store", flink, expected);

        List<String[]> restarted = readWithConsumer(stream, expected.size());
        assertReadOnceInKeyOrder("restarted consumer", restarted, expected);
        assertThat(store.getAll(app, stream.name()).get(parent))
                .as("the parent after its tail was read again")
                .isEqualTo(Checkpoint.at(parentRecords.get(99).sequenceNumber).asFinished());
    }

    private KinesisConsumer consumer(TestStream stream) {
        return KinesisConsumer.builder()
                .streamName(stream.name())
                .appName(app)
                .clientSettings(KINESIS.clientSettings())
                .checkpointStore(store)
                .discoveryInterval(Duration.ofSeconds(1))
                .pollerOptions(
                        PollerOptions.builder().idlePollInterval(Duration.ofMillis(50)).build())
                .build();
    }

    /** (key, payload) in delivery order, once {@code count} came and 1.5 s more passed. */
    private List<String[]> readWithConsumer(TestStream stream, int count) throws Exception {
        List<String[]> delivered = new ArrayList<>();
        try (KinesisConsumer consumer = consumer(stream)) {
            Thread scan =
                    scanInBackground(
                            consumer,
                            r -> {
                                synchronized (delivered) {
                                    delivered.add(
                                            new String[] {r.partitionKey(), r.dataAsString()});
                                }
                                return ScanResult.CONTINUE;
                            });
            waitUpTo(() -> size(delivered) >= count);
            Thread.sleep(1_500);
            consumer.close();
            scan.join(30_000);
        }
        return delivered;
    }

    /** Runs a job from the store without Flink checkpoints, so it writes nothing to the store. */
    private List<String[]> readWithFlink(TestStream stream, int count) throws Exception {
        Emitted.reset();
        JobClient job =
                StoreJobs.start(
                        KINESIS.clientSettings(),
                        stream.name(),
                        app,
                        stores,
                        StartingPosition.latest(),
                        0);
        try {
            waitUpTo(() -> Emitted.ENTRIES.size() >= count);
            Thread.sleep(2_000);
        } finally {
            job.cancel().get();
        }
        List<String[]> out = new ArrayList<>();
        Emitted.all().forEach(e -> out.add(new String[] {e.key, e.payload}));
        return out;
    }

    private static void assertReadOnceInKeyOrder(
            String reader, List<String[]> read, List<WrittenRecord> expected) {
        Map<String, List<String>> got = new LinkedHashMap<>();
        for (String[] r : read) {
            got.computeIfAbsent(r[0], k -> new ArrayList<>()).add(r[1]);
        }
        Map<String, List<String>> want = new LinkedHashMap<>();
        for (WrittenRecord w : expected) {
            want.computeIfAbsent(w.partitionKey, k -> new ArrayList<>()).add(w.text());
        }
        System.out.printf("%s: read %d of %d expected%n", reader, read.size(), expected.size());
        assertThat(read).as("%s: records read", reader).hasSize(expected.size());
        assertThat(got).as("%s: per key, in write order", reader).isEqualTo(want);
    }

    /** The records after each shard's stored position (all of a shard without one). */
    private static List<WrittenRecord> after(
            List<WrittenRecord> written, Map<String, Checkpoint> positions) {
        List<WrittenRecord> out = new ArrayList<>();
        for (WrittenRecord w : written) {
            Checkpoint p = positions.get(w.shardId);
            if (p == null || new BigInteger(w.sequenceNumber).compareTo(p.numericSequence()) > 0) {
                out.add(w);
            }
        }
        return out;
    }

    private List<WrittenRecord> put(TestStream stream, int count) {
        int base = nextPayload;
        nextPayload += count;
        return stream.put(count, i -> "key-" + ((base + i) % KEYS), i -> "r-" + (base + i));
    }

    private static List<String> newShards(TestStream stream, List<String> known) {
        List<String> fresh = new ArrayList<>(stream.shardIds());
        fresh.removeAll(known);
        return fresh;
    }

    private static Thread scanInBackground(KinesisConsumer consumer, ScanFunction fn) {
        Thread t =
                new Thread(
                        () -> {
                            try {
                                consumer.scan(fn);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        "test-scan");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static int size(List<?> list) {
        synchronized (list) {
            return list.size();
        }
    }

    /** Waits until the condition holds or 45 s passed; the caller then asserts exact counts. */
    private static void waitUpTo(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}
