package io.github.kinesisconsumer.store.buffered;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointKey;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps the latest checkpoint of each shard in memory and writes them to another store every
 * interval, with one {@link CheckpointStore#putAll} per application and stream.
 *
 * <p>{@link #put} and {@link #putAll} never touch the underlying store; they keep, per shard, the
 * greatest checkpoint they were given. A flush that fails keeps what it could not write for the
 * next one, and a checkpoint put while a flush runs is never replaced by an older one. Background
 * flush failures are logged, counted in {@link #failedFlushes()} and retried at the next interval;
 * {@link #flush()} writes now and throws if the underlying store fails. {@link #close()} flushes,
 * then closes the underlying store.
 *
 * <p>Reads go to the underlying store, with checkpoints not yet written laid over the stored ones
 * where they are after them.
 */
@PublicEvolving
public final class BufferedCheckpointStore implements CheckpointStore {

    private static final Logger LOG = LoggerFactory.getLogger(BufferedCheckpointStore.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final CheckpointStore delegate;
    private final ConcurrentHashMap<CheckpointKey, Checkpoint> pending = new ConcurrentHashMap<>();
    private final ReentrantLock flushLock = new ReentrantLock();
    private final ScheduledExecutorService scheduler;
    private final AtomicLong failedFlushes = new AtomicLong();
    private final Object closeLock = new Object();
    private volatile boolean closed;

    private long failureStreak;
    private long lastWarnNanos;

    private BufferedCheckpointStore(CheckpointStore delegate, Duration flushInterval) {
        this.delegate = delegate;
        this.scheduler =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "checkpoint-store-flush");
                            t.setDaemon(true);
                            return t;
                        });
        long nanos = flushInterval.toNanos();
        scheduler.scheduleWithFixedDelay(this::backgroundFlush, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Buffers writes to {@code store}, flushing every {@code flushInterval}. The returned store
     * owns {@code store} and closes it.
     */
    public static BufferedCheckpointStore wrap(CheckpointStore store, Duration flushInterval) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(flushInterval, "flushInterval");
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException(
                    "flushInterval must be positive, but was " + flushInterval);
        }
        return new BufferedCheckpointStore(store, flushInterval);
    }

    /** How many flushes, in the background or through {@link #flush()}, have failed. */
    public long failedFlushes() {
        return failedFlushes.get();
    }

    /** How many shards have a checkpoint not yet written to the underlying store. */
    public int pendingCount() {
        return pending.size();
    }

    @Override
    public Optional<Checkpoint> get(CheckpointKey key) {
        Optional<Checkpoint> stored = delegate.get(key);
        Checkpoint buffered = pending.get(key);
        if (buffered != null && buffered.isAfter(stored.orElse(null))) {
            return Optional.of(buffered);
        }
        return stored;
    }

    @Override
    public Map<String, Checkpoint> getAll(String appName, String streamName) {
        Map<String, Checkpoint> out = new HashMap<>(delegate.getAll(appName, streamName));
        pending.forEach(
                (key, buffered) -> {
                    if (key.appName().equals(appName) && key.streamName().equals(streamName)) {
                        out.merge(
                                key.shardId(),
                                buffered,
                                (stored, fresh) -> fresh.isAfter(stored) ? fresh : stored);
                    }
                });
        return out;
    }

    @Override
    public void put(CheckpointKey key, Checkpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        ensureOpen();
        pending.merge(key, checkpoint, BufferedCheckpointStore::greater);
    }

    @Override
    public void putAll(String appName, String streamName, Map<String, Checkpoint> checkpoints) {
        ensureOpen();
        checkpoints.forEach(
                (shardId, checkpoint) -> {
                    Objects.requireNonNull(checkpoint, "checkpoint");
                    pending.merge(
                            new CheckpointKey(appName, streamName, shardId),
                            checkpoint,
                            BufferedCheckpointStore::greater);
                });
    }

    @Override
    public void delete(CheckpointKey key) {
        flushLock.lock();
        try {
            pending.remove(key);
            delegate.delete(key);
        } finally {
            flushLock.unlock();
        }
    }

    /** Writes every buffered checkpoint now; throws if the underlying store fails. */
    @Override
    public void flush() {
        try {
            writePending();
        } catch (CheckpointStoreException e) {
            failedFlushes.incrementAndGet();
            throw e;
        }
    }

    /** Flushes, then closes the underlying store even if the flush failed. */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        scheduler.shutdown();
        RuntimeException failure = null;
        try {
            flush();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            delegate.close();
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "buffered " + delegate;
    }

    private void backgroundFlush() {
        if (pending.isEmpty()) {
            return;
        }
        flushLock.lock();
        try {
            if (closed) {
                return;
            }
            writePending();
            if (failureStreak > 0) {
                LOG.info(
                        "Writing checkpoints to {} works again after {} failed flushes",
                        delegate,
                        failureStreak);
                failureStreak = 0;
            }
        } catch (RuntimeException e) {
            failedFlushes.incrementAndGet();
            failureStreak++;
            long now = System.nanoTime();
            if (failureStreak == 1 || now - lastWarnNanos >= WARN_EVERY_NANOS) {
                lastWarnNanos = now;
                LOG.warn(
                        "Writing {} buffered checkpoints to {} failed ({} failed flushes in a"
                                + " row); keeping them and retrying at the next interval",
                        pending.size(),
                        delegate,
                        failureStreak,
                        e);
            } else {
                LOG.debug("Flush to {} failed again: {}", delegate, e.toString());
            }
        } finally {
            flushLock.unlock();
        }
    }

    private void writePending() {
        flushLock.lock();
        try {
            Map<CheckpointKey, Checkpoint> snapshot = new HashMap<>(pending);
            if (snapshot.isEmpty()) {
                delegate.flush();
                return;
            }
            Map<List<String>, Map<String, Checkpoint>> byStream = new HashMap<>();
            snapshot.forEach(
                    (key, checkpoint) ->
                            byStream.computeIfAbsent(
                                            List.of(key.appName(), key.streamName()),
                                            k -> new HashMap<>())
                                    .put(key.shardId(), checkpoint));
            CheckpointStoreException failure = null;
            for (Map.Entry<List<String>, Map<String, Checkpoint>> group : byStream.entrySet()) {
                String appName = group.getKey().get(0);
                String streamName = group.getKey().get(1);
                try {
                    delegate.putAll(appName, streamName, group.getValue());
                } catch (RuntimeException e) {
                    CheckpointStoreException wrapped = asStoreException(e, appName, streamName);
                    if (failure == null) {
                        failure = wrapped;
                    } else {
                        failure.addSuppressed(wrapped);
                    }
                    continue;
                }
                group.getValue()
                        .forEach(
                                (shardId, written) ->
                                        pending.remove(
                                                new CheckpointKey(appName, streamName, shardId),
                                                written));
            }
            if (failure != null) {
                throw failure;
            }
            delegate.flush();
        } finally {
            flushLock.unlock();
        }
    }

    private CheckpointStoreException asStoreException(
            RuntimeException e, String appName, String streamName) {
        if (e instanceof CheckpointStoreException) {
            return (CheckpointStoreException) e;
        }
        return new CheckpointStoreException(
                "flushing checkpoints of "
                        + appName
                        + "/"
                        + streamName
                        + " to "
                        + delegate
                        + " failed: "
                        + e,
                e);
    }

    private void ensureOpen() {
        if (closed) {
            throw new CheckpointStoreException("buffered checkpoint store is closed: " + this);
        }
    }

    private static Checkpoint greater(Checkpoint current, Checkpoint fresh) {
        return fresh.isAfter(current) ? fresh : current;
    }
}
