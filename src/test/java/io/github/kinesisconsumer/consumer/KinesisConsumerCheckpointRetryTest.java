package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointKey;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreException;
import io.github.kinesisconsumer.store.memory.InMemoryCheckpointStore;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static io.github.kinesisconsumer.consumer.ConsumerHarness.consumer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Checkpoint writes are retried with backoff; past the limit the scan stops clearly. */
class KinesisConsumerCheckpointRetryTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    /** Fails the next {@code failures} writes, then writes through. */
    static final class FlakyStore implements CheckpointStore {
        final InMemoryCheckpointStore delegate = new InMemoryCheckpointStore();
        final AtomicInteger failures;
        final AtomicInteger attempts = new AtomicInteger();

        FlakyStore(int failures) {
            this.failures = new AtomicInteger(failures);
        }

        @Override
        public Optional<Checkpoint> get(CheckpointKey key) {
            return delegate.get(key);
        }

        @Override
        public Map<String, Checkpoint> getAll(String appName, String streamName) {
            return delegate.getAll(appName, streamName);
        }

        @Override
        public void putAll(String app, String stream, Map<String, Checkpoint> checkpoints) {
            attempts.incrementAndGet();
            if (failures.getAndDecrement() > 0) {
                throw new CheckpointStoreException("store is down (test)");
            }
            delegate.putAll(app, stream, checkpoints);
        }

        @Override
        public void delete(CheckpointKey key) {
            delegate.delete(key);
        }

        @Override
        public void close() {}
    }

    @Test
    void transientStoreFailuresAreRetried() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        List<WrittenRecord> written = stream.putSequential(100, 5);
        FlakyStore store = new FlakyStore(3);
        KinesisConsumer c =
                consumer(KINESIS.clientSettings(), stream.name(), "retry", store).build();
        AtomicInteger seen = new AtomicInteger();
        c.scan(r -> seen.incrementAndGet() == 100 ? ScanResult.STOP : ScanResult.CONTINUE);
        c.close();
        assertThat(store.attempts.get()).isGreaterThan(3);
        assertThat(store.get(new CheckpointKey("retry", stream.name(), written.get(0).shardId)))
                .contains(Checkpoint.at(written.get(99).sequenceNumber));
    }

    @Test
    void aStoreThatStaysDownStopsTheScanAfterTheConfiguredAttempts() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        stream.putSequential(100, 5);
        FlakyStore store = new FlakyStore(Integer.MAX_VALUE);
        KinesisConsumer c =
                consumer(KINESIS.clientSettings(), stream.name(), "down", store)
                        .checkpointAttempts(3)
                        .build();
        assertThatThrownBy(() -> c.scan(r -> ScanResult.CONTINUE))
                .isInstanceOf(CheckpointStoreException.class)
                .hasMessageContaining("could not be written after 3 attempts")
                .hasMessageContaining("shardId-000000000000")
                .hasMessageContaining("checkpointAttempts");
        c.close();
    }
}
