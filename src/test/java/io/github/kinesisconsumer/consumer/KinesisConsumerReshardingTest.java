package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointKey;
import io.github.kinesisconsumer.store.memory.InMemoryCheckpointStore;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.Producer;
import io.github.kinesisconsumer.testing.TestStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.github.kinesisconsumer.consumer.ConsumerHarness.await;
import static io.github.kinesisconsumer.consumer.ConsumerHarness.consumer;
import static io.github.kinesisconsumer.consumer.ConsumerHarness.inBackground;
import static io.github.kinesisconsumer.consumer.ConsumerHarness.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

/** Split and merge while scanning: per-key order kept, nothing lost. */
class KinesisConsumerReshardingTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    private static final int KEYS = 30;

    @Test
    void perKeyOrderAndNoLossAcrossSplitAndMerge() throws Exception {
        TestStream stream = KINESIS.createStream(4);
        Map<String, List<Integer>> perKey = new ConcurrentHashMap<>();
        AtomicInteger seen = new AtomicInteger();
        List<String> closed = new CopyOnWriteArrayList<>();
        KinesisConsumer c =
                consumer(
                                KINESIS.clientSettings(),
                                stream.name(),
                                "reshard",
                                new InMemoryCheckpointStore())
                        .onShardClosed(closed::add)
                        .build();
        CompletableFuture<Void> scan =
                inBackground(
                        () ->
                                c.scan(
                                        r -> {
                                            perKey.computeIfAbsent(
                                                            r.partitionKey(),
                                                            k -> new CopyOnWriteArrayList<>())
                                                    .add(Integer.parseInt(r.dataAsString()));
                                            seen.incrementAndGet();
                                            return ScanResult.CONTINUE;
                                        }));
        Producer producer = Producer.start(stream, KEYS, 30, 20, "");
        Thread.sleep(1_500);
        stream.split("shardId-000000000000");
        Thread.sleep(1_500);
        stream.merge("shardId-000000000002", "shardId-000000000003");
        Thread.sleep(1_500);
        int total = producer.stop();
        waitFor(() -> seen.get() >= total, Duration.ofSeconds(60), total + " records");
        Thread.sleep(500);
        c.close();
        await(scan);

        for (Map.Entry<String, List<Integer>> key : perKey.entrySet()) {
            int k = Integer.parseInt(key.getKey().substring(4));
            List<Integer> expected = new ArrayList<>();
            for (int i = k; i < total; i += KEYS) {
                expected.add(i);
            }
            assertThat(key.getValue()).as("records of %s", key.getKey()).isEqualTo(expected);
        }
        System.out.printf(
                "consumer resharding: %d records in order per key; closed shards %s%n",
                total, closed);
        assertThat(seen.get()).isEqualTo(total);
        assertThat(closed)
                .containsExactlyInAnyOrder(
                        "shardId-000000000000", "shardId-000000000002", "shardId-000000000003");
    }

    @Test
    void aShardThatEndsWithNothingReadIsStoredAtASequenceNumberKinesisAccepts() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        KinesisConsumer c =
                consumer(KINESIS.clientSettings(), stream.name(), "empty-parent", store).build();
        CompletableFuture<Void> scan = inBackground(() -> c.scan(r -> ScanResult.CONTINUE));
        Thread.sleep(1_000);
        stream.split("shardId-000000000000");
        CheckpointKey parent =
                new CheckpointKey("empty-parent", stream.name(), "shardId-000000000000");
        waitFor(
                () -> store.get(parent).map(Checkpoint::isFinished).orElse(false),
                Duration.ofSeconds(60),
                "the parent marked finished");
        c.close();
        await(scan);

        String ending =
                stream.shards().stream()
                        .filter(s -> s.shardId().equals(parent.shardId()))
                        .findFirst()
                        .orElseThrow()
                        .endingSequenceNumber();
        Checkpoint stored = store.get(parent).orElseThrow();
        assertThat(stored.sequenceNumber())
                .isIn(ending, stream.shards().get(0).startingSequenceNumber());
        // what a Go reader does with it: an iterator after that sequence number, then the end
        GetShardIteratorResponse iterator =
                stream.client()
                        .getShardIterator(
                                r ->
                                        r.streamName(stream.name())
                                                .shardId(parent.shardId())
                                                .shardIteratorType(
                                                        ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                                                .startingSequenceNumber(stored.sequenceNumber()))
                        .get();
        GetRecordsResponse page =
                stream.client().getRecords(r -> r.shardIterator(iterator.shardIterator())).get();
        assertThat(page.records()).isEmpty();
        System.out.printf(
                "empty parent stored at %s (ending %s)%n", stored.sequenceNumber(), ending);
    }
}
