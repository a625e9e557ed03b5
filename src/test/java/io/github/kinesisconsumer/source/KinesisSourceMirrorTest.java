package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreFactory;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mirroring Flink's positions into each checkpoint store, and starting a job without Flink state
 * from the store.
 */
class KinesisSourceMirrorTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkCluster.of(1, 2);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    @BeforeEach
    void reset() {
        Emitted.reset();
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void mirrorsFinalPositionsThenANewJobResumesFromThem(StoreKind kind) throws Exception {
        CheckpointStoreFactory stores = kind.factory();
        String app = "mirror-" + kind.name().toLowerCase() + "-" + UUID.randomUUID();
        TestStream stream = KINESIS.createStream(4);
        List<WrittenRecord> first = stream.putSequential(8_000, 100);

        JobClient job = StoreJobs.start(KINESIS.clientSettings(), stream.name(), app, stores);
        waitForEmitted(8_000);
        Map<String, String> lastPerShard = lastSequencePerShard(first);
        Map<String, Checkpoint> mirrored = waitForStore(stores, app, stream, lastPerShard);
        job.cancel().get();

        assertThat(mirrored).hasSize(4);
        lastPerShard.forEach(
                (shard, seq) ->
                        assertThat(mirrored.get(shard))
                                .as("mirrored position of %s", shard)
                                .isEqualTo(Checkpoint.at(seq)));
        System.out.printf("%s: store holds the last sequence number of all 4 shards%n", kind);

        Set<String> firstPayloads = payloads(first);
        Emitted.reset();
        List<WrittenRecord> second = stream.put(4_000, i -> "pk-" + (i % 100), i -> "second-" + i);
        JobClient resumed = StoreJobs.start(KINESIS.clientSettings(), stream.name(), app, stores);
        waitForEmitted(4_000);
        Thread.sleep(1_500);
        resumed.cancel().get();

        List<String> read = new ArrayList<>();
        Emitted.all().forEach(e -> read.add(e.payload));
        Set<String> secondPayloads = payloads(second);
        long reRead = read.stream().filter(firstPayloads::contains).count();
        System.out.printf(
                "%s: new job without Flink state read %d records: %d new, %d re-read%n",
                kind, read.size(), read.size() - reRead, reRead);
        assertThat(new HashSet<>(read)).containsAll(secondPayloads);
        assertThat(read).allMatch(p -> secondPayloads.contains(p) || firstPayloads.contains(p));
        assertThat(read.size() - reRead).isEqualTo(4_000);
        assertThat(reRead).isZero();
    }

    static Map<String, String> lastSequencePerShard(List<WrittenRecord> written) {
        Map<String, String> last = new HashMap<>();
        for (WrittenRecord w : written) {
            last.merge(
                    w.shardId,
                    w.sequenceNumber,
                    (a, b) -> new BigInteger(a).compareTo(new BigInteger(b)) >= 0 ? a : b);
        }
        return last;
    }

    private static Set<String> payloads(List<WrittenRecord> written) {
        Set<String> out = new HashSet<>();
        written.forEach(w -> out.add(w.text()));
        return out;
    }

    private static void waitForEmitted(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (Emitted.ENTRIES.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    static Map<String, Checkpoint> waitForStore(
            CheckpointStoreFactory stores,
            String app,
            TestStream stream,
            Map<String, String> expectedLast)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (CheckpointStore store = stores.create()) {
            while (true) {
                Map<String, Checkpoint> all = store.getAll(app, stream.name());
                boolean done = all.size() == expectedLast.size();
                for (Map.Entry<String, String> e : expectedLast.entrySet()) {
                    Checkpoint cp = all.get(e.getKey());
                    done &= cp != null && cp.sequenceNumber().equals(e.getValue());
                }
                if (done || System.nanoTime() > deadline) {
                    return all;
                }
                Thread.sleep(100);
            }
        }
    }
}
