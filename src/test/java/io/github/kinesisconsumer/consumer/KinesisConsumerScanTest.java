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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import static io.github.kinesisconsumer.consumer.ConsumerHarness.await;
import static io.github.kinesisconsumer.consumer.ConsumerHarness.consumer;
import static io.github.kinesisconsumer.consumer.ConsumerHarness.inBackground;
import static io.github.kinesisconsumer.consumer.ConsumerHarness.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** scan and scanShard semantics against kinesis-local and a PostgreSQL store. */
class KinesisConsumerScanTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    private CheckpointStore store;
    private String app;

    @BeforeEach
    void setUp() {
        store = ConsumerHarness.postgres();
        app = "consumer-" + UUID.randomUUID();
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void deliversEachRecordOnceAndResumesAfterClose() throws Exception {
        TestStream stream = KINESIS.createStream(4);
        List<WrittenRecord> first = stream.putSequential(8_000, 200);
        Map<String, List<String>> byShard = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        KinesisConsumer c1 = consumer(KINESIS.clientSettings(), stream.name(), app, store).build();
        CompletableFuture<Void> scan =
                inBackground(
                        () ->
                                c1.scan(
                                        r -> {
                                            seen.add(r.dataAsString());
                                            byShard.computeIfAbsent(
                                                            r.shardId(),
                                                            k ->
                                                                    new java.util.concurrent
                                                                            .CopyOnWriteArrayList<>())
                                                    .add(r.sequenceNumber());
                                            return ScanResult.CONTINUE;
                                        }));
        waitFor(() -> seen.size() >= 8_000, Duration.ofSeconds(60), "8,000 records");
        c1.close();
        await(scan);
        assertThat(seen).hasSize(8_000);
        assertThat(new HashSet<>(seen)).hasSize(8_000);
        Map<String, List<String>> expected = new HashMap<>();
        for (WrittenRecord w : first) {
            expected.computeIfAbsent(w.shardId, k -> new ArrayList<>()).add(w.sequenceNumber);
        }
        assertThat(byShard).isEqualTo(expected);

        List<WrittenRecord> second = stream.put(1_000, i -> "pk-" + (i % 50), i -> "new-" + i);
        ConcurrentLinkedQueue<String> again = new ConcurrentLinkedQueue<>();
        KinesisConsumer c2 = consumer(KINESIS.clientSettings(), stream.name(), app, store).build();
        CompletableFuture<Void> scan2 =
                inBackground(
                        () ->
                                c2.scan(
                                        r -> {
                                            again.add(r.dataAsString());
                                            return ScanResult.CONTINUE;
                                        }));
        waitFor(() -> again.size() >= 1_000, Duration.ofSeconds(60), "1,000 new records");
        Thread.sleep(1_000);
        c2.close();
        await(scan2);
        Set<String> expectedNew = new HashSet<>();
        second.forEach(w -> expectedNew.add(w.text()));
        System.out.printf(
                "scan: first consumer read %d, second read %d (expected only the %d new)%n",
                seen.size(), again.size(), second.size());
        assertThat(again).hasSize(1_000);
        assertThat(new HashSet<>(again)).isEqualTo(expectedNew);
    }

    @Test
    void skippedRecordsAreDeliveredAgainAfterARestart() throws Exception {
        TestStream stream = KINESIS.createStream(2);
        List<WrittenRecord> written = stream.putSequential(1_000, 20);
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        KinesisConsumer c1 = consumer(KINESIS.clientSettings(), stream.name(), app, store).build();
        CompletableFuture<Void> scan =
                inBackground(
                        () ->
                                c1.scan(
                                        r -> {
                                            seen.add(r.dataAsString());
                                            return skipped(Integer.parseInt(r.dataAsString()))
                                                    ? ScanResult.SKIP_CHECKPOINT
                                                    : ScanResult.CONTINUE;
                                        }));
        waitFor(() -> seen.size() >= 1_000, Duration.ofSeconds(60), "1,000 records");
        c1.close();
        await(scan);

        // per shard, what follows the last record that was not skipped
        Map<String, List<WrittenRecord>> perShard = new HashMap<>();
        for (WrittenRecord w : written) {
            perShard.computeIfAbsent(w.shardId, k -> new ArrayList<>()).add(w);
        }
        Set<String> expectedAgain = new HashSet<>();
        for (Map.Entry<String, List<WrittenRecord>> shard : perShard.entrySet()) {
            List<WrittenRecord> records = shard.getValue();
            int lastContinue = -1;
            for (int i = 0; i < records.size(); i++) {
                if (!skipped(Integer.parseInt(records.get(i).text()))) {
                    lastContinue = i;
                }
            }
            Checkpoint stored =
                    store.get(new CheckpointKey(app, stream.name(), shard.getKey())).orElseThrow();
            assertThat(stored.sequenceNumber())
                    .as("stored position of %s is its last non-skipped record", shard.getKey())
                    .isEqualTo(records.get(lastContinue).sequenceNumber);
            for (int i = lastContinue + 1; i < records.size(); i++) {
                expectedAgain.add(records.get(i).text());
            }
        }

        ConcurrentLinkedQueue<String> again = new ConcurrentLinkedQueue<>();
        KinesisConsumer c2 = consumer(KINESIS.clientSettings(), stream.name(), app, store).build();
        CompletableFuture<Void> scan2 =
                inBackground(
                        () ->
                                c2.scan(
                                        r -> {
                                            again.add(r.dataAsString());
                                            return ScanResult.CONTINUE;
                                        }));
        Thread.sleep(2_000);
        c2.close();
        await(scan2);
        System.out.printf(
                "skip: %d skipped at the tail of their shards, %d delivered again: %s%n",
                expectedAgain.size(), again.size(), again);
        assertThat(expectedAgain).isNotEmpty();
        assertThat(new HashSet<>(again)).isEqualTo(expectedAgain);
        assertThat(again).hasSize(expectedAgain.size());
    }

    @Test
    void exceptionStopsAllShardsAndKeepsPositionsBeforeIt() throws Exception {
        TestStream stream = KINESIS.createStream(4);
        List<WrittenRecord> written = stream.putSequential(2_000, 100);
        WrittenRecord poison = written.get(1_000);
        RuntimeException boom = new IllegalStateException("cannot handle " + poison.text());
        KinesisConsumer c = consumer(KINESIS.clientSettings(), stream.name(), app, store).build();
        assertThatThrownBy(
                        () ->
                                c.scan(
                                        r -> {
                                            if (r.dataAsString().equals(poison.text())) {
                                                throw boom;
                                            }
                                            return ScanResult.CONTINUE;
                                        }))
                .isSameAs(boom);
        assertThat(boom.getSuppressed())
                .singleElement()
                .extracting(Throwable::getMessage)
                .asString()
                .contains(
                        "the scan function failed on record "
                                + poison.sequenceNumber
                                + " of shard "
                                + poison.shardId);
        c.close();

        WrittenRecord before = null;
        for (WrittenRecord w : written) {
            if (w == poison) {
                break;
            }
            if (w.shardId.equals(poison.shardId)) {
                before = w;
            }
        }
        Checkpoint stored =
                store.get(new CheckpointKey(app, stream.name(), poison.shardId)).orElseThrow();
        System.out.printf(
                "exception on %s of %s: stored position %s (the record before it: %s)%n",
                poison.text(), poison.shardId, stored, before.sequenceNumber);
        assertThat(stored).isEqualTo(Checkpoint.at(before.sequenceNumber));
    }

    @Test
    void stopEndsTheScanNormallyAfterCheckpointingThatRecord() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        List<WrittenRecord> written = stream.putSequential(300, 10);
        KinesisConsumer c = consumer(KINESIS.clientSettings(), stream.name(), app, store).build();
        List<String> seen = new ArrayList<>();
        c.scan(
                r -> {
                    seen.add(r.dataAsString());
                    return r.dataAsString().equals("150") ? ScanResult.STOP : ScanResult.CONTINUE;
                });
        c.close();
        assertThat(seen).hasSize(151);
        assertThat(store.get(new CheckpointKey(app, stream.name(), written.get(150).shardId)))
                .contains(Checkpoint.at(written.get(150).sequenceNumber));
    }

    @Test
    void scanShardReadsOneShardToItsEnd() throws Exception {
        TestStream stream = KINESIS.createStream(2);
        List<WrittenRecord> written = stream.putSequential(400, 20);
        String shard = stream.shardIds().get(0);
        stream.split(shard);
        List<String> closed = new ArrayList<>();
        KinesisConsumer c =
                consumer(KINESIS.clientSettings(), stream.name(), app, store)
                        .onShardClosed(closed::add)
                        .build();
        List<String> seen = new ArrayList<>();
        c.scanShard(
                shard,
                r -> {
                    seen.add(r.sequenceNumber());
                    return ScanResult.CONTINUE;
                });
        c.close();
        List<String> expected = new ArrayList<>();
        written.stream()
                .filter(w -> w.shardId.equals(shard))
                .forEach(w -> expected.add(w.sequenceNumber));
        assertThat(seen).isEqualTo(expected);
        assertThat(closed).containsExactly(shard);
        assertThat(
                        store.get(new CheckpointKey(app, stream.name(), shard))
                                .orElseThrow()
                                .isFinished())
                .isTrue();
    }

    @Test
    void badInputFailsWithAMessageThatNamesTheFix() {
        assertThatThrownBy(() -> KinesisConsumer.builder().appName("a").build())
                .hasMessageContaining("no stream");
        assertThatThrownBy(
                        () ->
                                KinesisConsumer.builder()
                                        .streamName("s")
                                        .appName(" ")
                                        .clientSettings(KINESIS.clientSettings())
                                        .build())
                .hasMessageContaining("appName must not be blank");
        KinesisConsumer c =
                consumer(KINESIS.clientSettings(), KINESIS.uniqueName(), app, store).build();
        assertThatThrownBy(() -> c.scan(r -> ScanResult.CONTINUE))
                .hasMessageContaining("not found");
        c.close();
    }

    /** Every 10th record, and the last 15, so that every shard ends with skipped records. */
    private static boolean skipped(int i) {
        return i % 10 == 0 || i >= 985;
    }
}
