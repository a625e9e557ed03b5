package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.consumer.KinesisConsumer;
import io.github.kinesisconsumer.consumer.ScanResult;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreFactory;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Flink job and a standalone consumer hand a stream to each other through a PostgreSQL checkpoint
 * store: each resumes exactly where the other stopped.
 */
class FlinkConsumerHandOffTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkCluster.of(1, 2);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    @Test
    void flinkToConsumerToFlink() throws Exception {
        CheckpointStoreFactory stores = StoreKind.POSTGRES.factory();
        String app = "handoff-" + UUID.randomUUID();
        TestStream stream = KINESIS.createStream(4);

        // 1. Flink reads and mirrors, then is cancelled without a savepoint
        List<WrittenRecord> first = stream.putSequential(2_000, 50);
        Emitted.reset();
        JobClient job = StoreJobs.start(KINESIS.clientSettings(), stream.name(), app, stores);
        waitFor(() -> Emitted.ENTRIES.size() >= 2_000, "Flink to read 2,000");
        KinesisSourceMirrorTest.waitForStore(
                stores, app, stream, KinesisSourceMirrorTest.lastSequencePerShard(first));
        job.cancel().get();

        // 2. the consumer takes over on the same app name
        List<WrittenRecord> second = stream.put(1_000, i -> "pk-" + (i % 50), i -> "c-" + i);
        ConcurrentLinkedQueue<String> consumed = new ConcurrentLinkedQueue<>();
        try (CheckpointStore store = stores.create();
                KinesisConsumer consumer =
                        KinesisConsumer.builder()
                                .streamName(stream.name())
                                .appName(app)
                                .clientSettings(KINESIS.clientSettings())
                                .checkpointStore(store)
                                .build()) {
            Thread scan =
                    new Thread(
                            () -> {
                                try {
                                    consumer.scan(
                                            r -> {
                                                consumed.add(r.dataAsString());
                                                return ScanResult.CONTINUE;
                                            });
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            scan.start();
            waitFor(() -> consumed.size() >= 1_000, "the consumer to read 1,000");
            Thread.sleep(1_000);
            consumer.close();
            scan.join(30_000);
        }
        System.out.printf(
                "hand-off Flink -> consumer: consumer read %d records (%d written after the"
                        + " job)%n",
                consumed.size(), second.size());
        assertThat(consumed).hasSize(1_000);
        assertThat(new HashSet<>(consumed)).isEqualTo(payloads(second));

        // 3. Flink without state starts from the consumer's checkpoints
        List<WrittenRecord> third = stream.put(1_000, i -> "pk-" + (i % 50), i -> "f-" + i);
        Emitted.reset();
        JobClient again = StoreJobs.start(KINESIS.clientSettings(), stream.name(), app, stores);
        waitFor(() -> Emitted.ENTRIES.size() >= 1_000, "Flink to read 1,000");
        Thread.sleep(1_500);
        again.cancel().get();
        Set<String> read = new HashSet<>();
        Emitted.all().forEach(e -> read.add(e.payload));
        System.out.printf(
                "hand-off consumer -> Flink: job read %d records (%d written after the"
                        + " consumer)%n",
                Emitted.ENTRIES.size(), third.size());
        assertThat(Emitted.ENTRIES).hasSize(1_000);
        assertThat(read).isEqualTo(payloads(third));
    }

    private static Set<String> payloads(List<WrittenRecord> written) {
        Set<String> out = new HashSet<>();
        written.forEach(w -> out.add(w.text()));
        return out;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
