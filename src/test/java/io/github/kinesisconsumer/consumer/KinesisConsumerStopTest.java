package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.kinesis.PollerOptions;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.memory.InMemoryCheckpointStore;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ScanResult#STOP} on a stream of several shards, many times over: each scan returns
 * normally, and every shard's stored checkpoint is exactly the last record delivered on it and not
 * skipped (kinesalite, which is fast enough for hundreds of scans).
 */
class KinesisConsumerStopTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESALITE = KinesisEmulatorExtension.kinesalite();

    private static final int SHARDS = 4;
    private static final int SCANS = 500;

    @Test
    void everyStopReturnsNormallyWithEachShardCheckpointedAtItsLastDeliveredRecord()
            throws Exception {
        TestStream stream = KINESALITE.createStream(SHARDS);
        List<WrittenRecord> written = stream.putSequential(24_000, 400);
        Map<String, List<String>> order = new HashMap<>();
        for (WrittenRecord w : written) {
            order.computeIfAbsent(w.shardId, k -> new ArrayList<>()).add(w.sequenceNumber);
        }
        assertThat(order).hasSize(SHARDS);
        String app = "stop-" + UUID.randomUUID();
        CheckpointStore store = new InMemoryCheckpointStore();
        Random random = new Random(11);
        Map<String, Integer> expectedNext = new HashMap<>();
        long started = System.nanoTime();
        try (KinesisConsumer consumer =
                ConsumerHarness.consumer(KINESALITE.clientSettings(), stream.name(), app, store)
                        .pollerOptions(
                                PollerOptions.builder()
                                        .recordsPerCall(50)
                                        .idlePollInterval(Duration.ofMillis(20))
                                        .build())
                        .build()) {
            for (int scan = 0; scan < SCANS; scan++) {
                int stopAt = 1 + random.nextInt(40);
                long seed = random.nextLong();
                AtomicInteger delivered = new AtomicInteger();
                Map<String, List<String>> seen = new ConcurrentHashMap<>();
                Map<String, String> lastCheckpointable = new ConcurrentHashMap<>();
                consumer.scan(
                        r -> {
                            seen.computeIfAbsent(r.shardId(), k -> new ArrayList<>())
                                    .add(r.sequenceNumber());
                            int n = delivered.incrementAndGet();
                            if (n == stopAt) {
                                lastCheckpointable.put(r.shardId(), r.sequenceNumber());
                                return ScanResult.STOP;
                            }
                            if (new Random(seed ^ r.sequenceNumber().hashCode()).nextInt(8) == 0) {
                                return ScanResult.SKIP_CHECKPOINT;
                            }
                            lastCheckpointable.put(r.shardId(), r.sequenceNumber());
                            return ScanResult.CONTINUE;
                        });
                assertThat(delivered.get()).as("scan %d delivered", scan).isGreaterThan(0);
                Map<String, Checkpoint> stored = store.getAll(app, stream.name());
                for (Map.Entry<String, List<String>> shard : order.entrySet()) {
                    String id = shard.getKey();
                    List<String> sequence = shard.getValue();
                    int next = expectedNext.getOrDefault(id, 0);
                    List<String> got = seen.getOrDefault(id, List.of());
                    if (!got.isEmpty()) {
                        assertThat(got)
                                .as(
                                        "scan %d, shard %s: delivered from the stored position on",
                                        scan, id)
                                .isEqualTo(sequence.subList(next, next + got.size()));
                    }
                    String last = lastCheckpointable.get(id);
                    if (last != null) {
                        expectedNext.put(id, sequence.indexOf(last) + 1);
                    }
                    int now = expectedNext.getOrDefault(id, 0);
                    Checkpoint expected = now == 0 ? null : Checkpoint.at(sequence.get(now - 1));
                    assertThat(stored.get(id))
                            .as("scan %d (STOP at delivery %d): checkpoint of %s", scan, stopAt, id)
                            .isEqualTo(expected);
                }
            }
        }
        int consumed = expectedNext.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf(
                "%d STOP scans on %d shards: each returned normally, checkpoints exact;"
                        + " %d records checkpointed, %.1f s%n",
                SCANS, SHARDS, consumed, (System.nanoTime() - started) / 1e9);
    }
}
