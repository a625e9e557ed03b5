package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointKey;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.github.kinesisconsumer.consumer.ConsumerHarness.await;
import static io.github.kinesisconsumer.consumer.ConsumerHarness.consumer;
import static io.github.kinesisconsumer.consumer.ConsumerHarness.inBackground;
import static io.github.kinesisconsumer.consumer.ConsumerHarness.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** scanBatch: sizes, timing, no concurrent calls, failed batches, the tail on close. */
class KinesisConsumerBatchTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    private CheckpointStore store;
    private String app;

    @BeforeEach
    void setUp() {
        store = ConsumerHarness.postgres();
        app = "batch-" + UUID.randomUUID();
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void batchesAreBoundedBySizeAndNeverConcurrent() throws Exception {
        TestStream stream = KINESIS.createStream(4);
        stream.putSequential(2_000, 100);
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        AtomicBoolean inside = new AtomicBoolean();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger total = new AtomicInteger();
        KinesisConsumer c = consumer(KINESIS.clientSettings(), stream.name(), app, store).build();
        CompletableFuture<Void> scan =
                inBackground(
                        () ->
                                c.scanBatch(
                                        batch -> {
                                            if (!inside.compareAndSet(false, true)) {
                                                overlaps.incrementAndGet();
                                            }
                                            Thread.sleep(2);
                                            sizes.add(batch.size());
                                            total.addAndGet(batch.size());
                                            String shard = batch.get(0).shardId();
                                            assertThat(batch)
                                                    .allMatch(r -> r.shardId().equals(shard));
                                            inside.set(false);
                                        },
                                        BatchOptions.maxSize(100)
                                                .flushInterval(Duration.ofMillis(200))));
        waitFor(() -> total.get() >= 2_000, Duration.ofSeconds(60), "2,000 records");
        c.close();
        await(scan);
        System.out.printf("scanBatch: %d batches, sizes %s%n", sizes.size(), sizes);
        assertThat(total.get()).isEqualTo(2_000);
        assertThat(sizes).allMatch(n -> n >= 1 && n <= 100);
        assertThat(overlaps.get()).as("batch callbacks running at the same time").isZero();
    }

    @Test
    void slowTrafficIsDeliveredByAgeOfTheBatch() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        List<Long> delays = new CopyOnWriteArrayList<>();
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        AtomicInteger total = new AtomicInteger();
        KinesisConsumer c = consumer(KINESIS.clientSettings(), stream.name(), app, store).build();
        CompletableFuture<Void> scan =
                inBackground(
                        () ->
                                c.scanBatch(
                                        batch -> {
                                            long oldest =
                                                    batch.get(0)
                                                            .approximateArrivalTimestamp()
                                                            .toEpochMilli();
                                            delays.add(System.currentTimeMillis() - oldest);
                                            sizes.add(batch.size());
                                            total.addAndGet(batch.size());
                                        },
                                        BatchOptions.maxSize(100)
                                                .flushInterval(Duration.ofMillis(200))));
        Thread.sleep(500);
        for (int i = 0; i < 40; i++) {
            stream.put(1, k -> "k", k -> "slow");
            Thread.sleep(50);
        }
        waitFor(() -> total.get() >= 40, Duration.ofSeconds(30), "40 records");
        c.close();
        await(scan);
        System.out.printf(
                "scanBatch slow traffic: %d batches, sizes %s, oldest-record age at delivery"
                        + " %s ms%n",
                sizes.size(), sizes, delays);
        assertThat(sizes.size()).as("delivered by time, not by size").isGreaterThanOrEqualTo(4);
        assertThat(sizes).allMatch(n -> n < 100);
        // flush interval 200 ms + fetch idle pause 50 ms + tick 50 ms + scheduling
        assertThat(delays).allMatch(d -> d < 800);
    }

    @Test
    void batchDeliveredByAgeIsCheckpointedWithoutWaitingForMoreRecords() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        List<WrittenRecord> written = stream.putSequential(30, 3);
        CheckpointKey key = new CheckpointKey(app, stream.name(), written.get(0).shardId);
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        AtomicLong deliveredAt = new AtomicLong();
        KinesisConsumer c = consumer(KINESIS.clientSettings(), stream.name(), app, store).build();
        CompletableFuture<Void> scan =
                inBackground(
                        () ->
                                c.scanBatch(
                                        batch -> {
                                            sizes.add(batch.size());
                                            deliveredAt.set(System.nanoTime());
                                        },
                                        BatchOptions.maxSize(1_000)
                                                .flushInterval(Duration.ofMillis(200))));
        waitFor(() -> deliveredAt.get() != 0, Duration.ofSeconds(30), "the batch");
        Checkpoint expected = Checkpoint.at(written.get(29).sequenceNumber);
        long millis;
        try {
            waitFor(
                    () -> expected.equals(store.get(key).orElse(null)),
                    Duration.ofSeconds(3),
                    "the batch's last record in the store");
            millis = (System.nanoTime() - deliveredAt.get()) / 1_000_000;
        } finally {
            c.close();
            await(scan);
        }
        System.out.printf(
                "scanBatch by age: batch of %s stored within %d ms of its delivery%n",
                sizes, millis);
        assertThat(sizes).containsExactly(30);
        assertThat(millis).as("from delivery to stored checkpoint").isLessThan(1_000);
    }

    @Test
    void failedBatchIsNotCheckpointedAndStopsTheScan() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        List<WrittenRecord> written = stream.putSequential(500, 10);
        AtomicInteger batches = new AtomicInteger();
        RuntimeException boom = new IllegalStateException("third batch fails");
        KinesisConsumer c = consumer(KINESIS.clientSettings(), stream.name(), app, store).build();
        assertThatThrownBy(
                        () ->
                                c.scanBatch(
                                        batch -> {
                                            if (batches.incrementAndGet() == 3) {
                                                throw boom;
                                            }
                                        },
                                        BatchOptions.maxSize(100)
                                                .flushInterval(Duration.ofHours(1))))
                .isSameAs(boom);
        assertThat(boom.getSuppressed())
                .singleElement()
                .extracting(Throwable::getMessage)
                .asString()
                .contains("batch of 100 record(s) of shard " + written.get(0).shardId)
                .contains(
                        "sequence numbers "
                                + written.get(200).sequenceNumber
                                + " to "
                                + written.get(299).sequenceNumber);
        c.close();
        assertThat(store.get(new CheckpointKey(app, stream.name(), written.get(0).shardId)))
                .as("position after the second batch")
                .contains(Checkpoint.at(written.get(199).sequenceNumber));
    }

    @Test
    void closeDeliversTheRecordsOfAnIncompleteBatch() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        List<WrittenRecord> written = stream.putSequential(250, 10);
        List<String> delivered = new CopyOnWriteArrayList<>();
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        KinesisConsumer c = consumer(KINESIS.clientSettings(), stream.name(), app, store).build();
        CompletableFuture<Void> scan =
                inBackground(
                        () ->
                                c.scanBatch(
                                        batch -> {
                                            sizes.add(batch.size());
                                            batch.forEach(r -> delivered.add(r.dataAsString()));
                                        },
                                        BatchOptions.maxSize(100)
                                                .flushInterval(Duration.ofHours(1))));
        waitFor(() -> delivered.size() >= 200, Duration.ofSeconds(30), "two full batches");
        Thread.sleep(500);
        assertThat(delivered).as("the tail waits for size or age").hasSize(200);
        c.close();
        await(scan);
        List<String> expected = new ArrayList<>();
        written.forEach(w -> expected.add(w.text()));
        assertThat(sizes).containsExactly(100, 100, 50);
        assertThat(delivered).isEqualTo(expected);
        assertThat(store.get(new CheckpointKey(app, stream.name(), written.get(0).shardId)))
                .contains(Checkpoint.at(written.get(249).sequenceNumber));
    }
}
