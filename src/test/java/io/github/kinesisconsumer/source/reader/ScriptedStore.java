package io.github.kinesisconsumer.source.reader;

import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointKey;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreException;
import io.github.kinesisconsumer.store.CheckpointStoreFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted checkpoint store for mirror unit tests: the first {@code failures} writes fail, a
 * write can be made to block (ignoring interrupts, as a socket read does) until released, and every
 * attempt, accepted write and close is recorded. Each {@link #create()} hands out a new connection
 * over the same stored data, so a close can be checked against the write of that connection.
 */
final class ScriptedStore implements CheckpointStoreFactory {

    private static final long serialVersionUID = 1L;

    final AtomicInteger attempts = new AtomicInteger();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final AtomicInteger closedDuringWrite = new AtomicInteger();
    final AtomicInteger writesAfterClose = new AtomicInteger();
    final List<Map<String, Checkpoint>> accepted = new ArrayList<>();
    private final Map<String, Checkpoint> stored = new HashMap<>();
    private final AtomicInteger failuresLeft;
    private volatile CountDownLatch block = new CountDownLatch(0);
    private volatile CountDownLatch writing = new CountDownLatch(1);

    ScriptedStore(int failures) {
        this.failuresLeft = new AtomicInteger(failures);
    }

    /** The next writes block inside putAll until {@link #release()}. */
    void blockWrites() {
        writing = new CountDownLatch(1);
        block = new CountDownLatch(1);
    }

    void release() {
        block.countDown();
    }

    /** Waits until a write has entered putAll since {@link #blockWrites()}. */
    void awaitWriting() throws InterruptedException {
        writing.await();
    }

    synchronized Map<String, Checkpoint> stored() {
        return new HashMap<>(stored);
    }

    @Override
    public CheckpointStore create() {
        opened.incrementAndGet();
        return new Connection();
    }

    private final class Connection implements CheckpointStore {
        private volatile boolean inWrite;
        private volatile boolean isClosed;

        @Override
        public void putAll(String app, String stream, Map<String, Checkpoint> checkpoints) {
            inWrite = true;
            try {
                attempts.incrementAndGet();
                if (isClosed) {
                    writesAfterClose.incrementAndGet();
                }
                writing.countDown();
                awaitUninterruptibly(block);
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new CheckpointStoreException("scripted failure");
                }
                synchronized (ScriptedStore.this) {
                    accepted.add(new HashMap<>(checkpoints));
                    checkpoints.forEach(
                            (shard, cp) -> stored.merge(shard, cp, (a, b) -> b.isAfter(a) ? b : a));
                }
            } finally {
                inWrite = false;
            }
        }

        @Override
        public Optional<Checkpoint> get(CheckpointKey key) {
            return Optional.ofNullable(stored().get(key.shardId()));
        }

        @Override
        public Map<String, Checkpoint> getAll(String appName, String streamName) {
            return stored();
        }

        @Override
        public void delete(CheckpointKey key) {}

        @Override
        public void close() {
            if (inWrite) {
                closedDuringWrite.incrementAndGet();
            }
            isClosed = true;
            closed.incrementAndGet();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
