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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ScanResult#STOP} on a stream of several shards, many times over: each scan returns
 * normally, and every shard's stored checkpoint is exactly the last record delivered on it and not
 * skipped (kinesalite, which is fast enough for hundreds of scans). The race this guards against
 * (lanes handing fetched results back while the scan shuts down) is rare, so several consumers scan
 * side by side to load the machine, with small, frequent fetches and slightly slow callbacks.
 */
class KinesisConsumerStopTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESALITE = KinesisEmulatorExtension.kinesalite();

    private static final int SHARDS = 4;

    /** Consumers scanning side by side, each under its own app name. */
    private static final int LOOPS = 4;

    private static final int SCANS_PER_LOOP = 250;

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
        long started = System.nanoTime();
        List<CompletableFuture<Integer>> loops = new ArrayList<>();
        for (int loop = 0; loop < LOOPS; loop++) {
            int seed = loop;
            CompletableFuture<Integer> done = new CompletableFuture<>();
            Thread t =
                    new Thread(
                            () -> {
                                try {
                                    done.complete(stopLoop(stream, order, seed));
                                } catch (Throwable e) {
                                    done.completeExceptionally(e);
                                }
                            },
                            "stop-loop-" + loop);
            t.setDaemon(true);
            t.start();
            loops.add(done);
        }
        int consumed = 0;
        for (CompletableFuture<Integer> loop : loops) {
            try {
                consumed += loop.get(5, TimeUnit.MINUTES);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Error) {
                    throw (Error) e.getCause();
                }
                throw (Exception) e.getCause();
            }
        }
        System.out.printf(
                "%d STOP scans (%d consumers side by side) on %d shards: each returned normally,"
                        + " checkpoints exact; %d records checkpointed, %.1f s%n",
                LOOPS * SCANS_PER_LOOP,
                LOOPS,
                SHARDS,
                consumed,
                (System.nanoTime() - started) / 1e9);
    }

    /** Scans with STOP again and again; returns how many records were checkpointed in all. */
    private static int stopLoop(TestStream stream, Map<String, List<String>> order, int loop)
            throws Exception {
        String app = "stop-" + loop + "-" + UUID.randomUUID();
        CheckpointStore store = new InMemoryCheckpointStore();
        Random random = new Random(loop);
        Map<String, Integer> expectedNext = new HashMap<>();
        try (KinesisConsumer consumer =
                ConsumerHarness.consumer(KINESALITE.clientSettings(), stream.name(), app, store)
                        .callbackThreads(SHARDS)
                        .pollerOptions(
                                PollerOptions.builder()
                                        .recordsPerCall(10)
                                        .callsPerSecondPerShard(1_000)
                                        .idlePollInterval(Duration.ofMillis(5))
                                        .build())
                        .build()) {
            for (int scan = 0; scan < SCANS_PER_LOOP; scan++) {
                int stopAt = 1 + random.nextInt(40);
                long seed = random.nextLong();
                AtomicInteger delivered = new AtomicInteger();
                Map<String, List<String>> seen = new ConcurrentHashMap<>();
                Map<String, String> lastCheckpointable = new ConcurrentHashMap<>();
                String where = "consumer " + loop + ", scan " + scan;
                try {
                    consumer.scan(
                            r -> {
                                seen.computeIfAbsent(r.shardId(), k -> new ArrayList<>())
                                        .add(r.sequenceNumber());
                                LockSupport.parkNanos(200_000);
                                int n = delivered.incrementAndGet();
                                if (n == stopAt) {
                                    lastCheckpointable.put(r.shardId(), r.sequenceNumber());
                                    return ScanResult.STOP;
                                }
                                if (new Random(seed ^ r.sequenceNumber().hashCode()).nextInt(8)
                                        == 0) {
                                    return ScanResult.SKIP_CHECKPOINT;
                                }
                                lastCheckpointable.put(r.shardId(), r.sequenceNumber());
                                return ScanResult.CONTINUE;
                            });
                } catch (Exception e) {
                    throw new AssertionError(where + ": the scan threw instead of returning", e);
                }
                assertThat(delivered.get()).as("%s delivered", where).isGreaterThan(0);
                Map<String, Checkpoint> stored = store.getAll(app, stream.name());
                for (Map.Entry<String, List<String>> shard : order.entrySet()) {
                    String id = shard.getKey();
                    List<String> sequence = shard.getValue();
                    int next = expectedNext.getOrDefault(id, 0);
                    List<String> got = seen.getOrDefault(id, List.of());
                    if (!got.isEmpty()) {
                        assertThat(got)
                                .as(
                                        "%s, shard %s: delivered from the stored position on",
                                        where, id)
                                .isEqualTo(sequence.subList(next, next + got.size()));
                    }
                    String last = lastCheckpointable.get(id);
                    if (last != null) {
                        expectedNext.put(id, sequence.indexOf(last) + 1);
                    }
                    int now = expectedNext.getOrDefault(id, 0);
                    Checkpoint expected = now == 0 ? null : Checkpoint.at(sequence.get(now - 1));
                    assertThat(stored.get(id))
                            .as("%s (STOP at delivery %d): checkpoint of %s", where, stopAt, id)
                            .isEqualTo(expected);
                }
            }
        }
        return expectedNext.values().stream().mapToInt(Integer::intValue).sum();
    }
}
