package io.github.kinesisconsumer.source.reader;

import io.github.kinesisconsumer.kinesis.Backoff;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreFactory;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Mirrors a reader's positions into a checkpoint store after each completed Flink checkpoint: the
 * positions of that checkpoint only, in checkpoint order, in one batch per checkpoint, on its own
 * thread. A failed write is logged and counted, and retried on a timer with backoff (by default
 * from {@code 0.5 s} up to {@code 30 s}) until it succeeds; the next completed checkpoint writes
 * its positions together with the failed ones at once. It never fails or blocks the job, and never
 * moves a stored position backwards (stores keep the later of two positions).
 *
 * <p>The store is used and closed only on the mirror thread: {@link #close()} makes one last
 * attempt at positions still unwritten, then closes the store, and waits a bounded time for both; a
 * write still running then closes the store when it returns.
 *
 * <p>Metrics (group {@code KinesisSource.mirror}): {@code lastMirroredCheckpointId}, {@code
 * mirrorLatencyMs}, {@code mirrorFailures}, {@code mirroredShards}.
 */
final class CheckpointMirror implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointMirror.class);

    static final Backoff DEFAULT_RETRY =
            new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final CheckpointStoreFactory factory;
    private final String appName;
    private final String streamName;
    private final ScheduledThreadPoolExecutor executor;
    private final Backoff retry;
    private final Duration closeTimeout;
    private final TreeMap<Long, Map<String, Checkpoint>> pending = new TreeMap<>();
    private final Counter failures;

    /** Touched only on the mirror thread. */
    private final Map<String, Checkpoint> unwritten = new HashMap<>();

    private long unwrittenCheckpointId = -1;
    private int failuresInRow;
    private ScheduledFuture<?> retryTimer;
    private CheckpointStore store;

    private volatile boolean closing;
    private volatile long lastMirroredCheckpointId = -1;
    private volatile long lastLatencyMillis = -1;
    private volatile long lastMirroredShards;

    CheckpointMirror(
            CheckpointStoreFactory factory,
            String appName,
            String streamName,
            MetricGroup metrics,
            int subtaskIndex) {
        this(factory, appName, streamName, metrics, subtaskIndex, DEFAULT_RETRY, CLOSE_TIMEOUT);
    }

    CheckpointMirror(
            CheckpointStoreFactory factory,
            String appName,
            String streamName,
            MetricGroup metrics,
            int subtaskIndex,
            Backoff retry,
            Duration closeTimeout) {
        this.factory = factory;
        this.appName = appName;
        this.streamName = streamName;
        this.retry = retry;
        this.closeTimeout = closeTimeout;
        this.executor =
                new ScheduledThreadPoolExecutor(
                        1,
                        r -> {
                            Thread t = new Thread(r, "kinesis-mirror-" + subtaskIndex);
                            t.setDaemon(true);
                            return t;
                        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
        MetricGroup group = metrics.addGroup("mirror");
        this.failures = group.counter("mirrorFailures");
        group.gauge("lastMirroredCheckpointId", (Gauge<Long>) () -> lastMirroredCheckpointId);
        group.gauge("mirrorLatencyMs", (Gauge<Long>) () -> lastLatencyMillis);
        group.gauge("mirroredShards", (Gauge<Long>) () -> lastMirroredShards);
    }

    /** Remembers the positions captured by the snapshot of {@code checkpointId}. */
    void snapshotTaken(long checkpointId, Map<String, Checkpoint> positions) {
        pending.put(checkpointId, positions);
    }

    /** Mirrors the positions of {@code checkpointId} (and of older ones not yet mirrored). */
    void checkpointCompleted(long checkpointId) {
        Map<String, Checkpoint> batch = new HashMap<>();
        Iterator<Map.Entry<Long, Map<String, Checkpoint>>> it =
                pending.headMap(checkpointId, true).entrySet().iterator();
        while (it.hasNext()) {
            for (Map.Entry<String, Checkpoint> e : it.next().getValue().entrySet()) {
                batch.merge(e.getKey(), e.getValue(), CheckpointMirror::later);
            }
            it.remove();
        }
        if (batch.isEmpty() || closing) {
            return;
        }
        try {
            executor.execute(
                    () -> {
                        batch.forEach(
                                (shard, cp) -> unwritten.merge(shard, cp, CheckpointMirror::later));
                        unwrittenCheckpointId = checkpointId;
                        write(true);
                    });
        } catch (RejectedExecutionException e) {
            LOG.debug("mirror closed; checkpoint {} is not mirrored", checkpointId);
        }
    }

    /** Forgets positions of checkpoints that were aborted. */
    void checkpointAborted(long checkpointId) {
        pending.remove(checkpointId);
    }

    private static Checkpoint later(Checkpoint a, Checkpoint b) {
        return b.isAfter(a) ? b : a;
    }

    /** Runs on the mirror thread; with {@code retryOnFailure}, a failure schedules a retry. */
    private void write(boolean retryOnFailure) {
        if (retryTimer != null) {
            retryTimer.cancel(false);
            retryTimer = null;
        }
        if (unwritten.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        try {
            if (store == null) {
                store = factory.create();
            }
            store.putAll(appName, streamName, unwritten);
            store.flush();
            lastLatencyMillis = (System.nanoTime() - start) / 1_000_000;
            lastMirroredShards = unwritten.size();
            lastMirroredCheckpointId = unwrittenCheckpointId;
            if (failuresInRow > 0) {
                LOG.info(
                        "mirrored {} positions of checkpoint {} after {} failed attempt(s)",
                        unwritten.size(),
                        unwrittenCheckpointId,
                        failuresInRow);
            } else {
                LOG.debug(
                        "mirrored {} positions of checkpoint {} in {} ms",
                        unwritten.size(),
                        unwrittenCheckpointId,
                        lastLatencyMillis);
            }
            failuresInRow = 0;
            unwritten.clear();
        } catch (RuntimeException e) {
            failures.inc();
            failuresInRow++;
            closeStoreQuietly();
            if (retryOnFailure && !closing) {
                scheduleRetry(e);
            } else {
                LOG.warn(
                        "mirroring {} positions of checkpoint {} into the checkpoint store failed"
                                + " at close; the store keeps older positions (Flink's state is"
                                + " not affected): {}",
                        unwritten.size(),
                        unwrittenCheckpointId,
                        e.toString());
            }
        }
    }

    private void scheduleRetry(RuntimeException cause) {
        long delayMillis = retry.delayMillis(failuresInRow);
        if (failuresInRow == 1 || failuresInRow % 10 == 0) {
            LOG.warn(
                    "mirroring {} positions of checkpoint {} into the checkpoint store failed ({} in"
                            + " a row); retrying in {} ms or with the next completed checkpoint"
                            + " (the job is not affected): {}",
                    unwritten.size(),
                    unwrittenCheckpointId,
                    failuresInRow,
                    delayMillis,
                    cause.toString());
        }
        try {
            retryTimer = executor.schedule(() -> write(true), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("mirror closing; no retry scheduled");
        }
    }

    private void closeStoreQuietly() {
        if (store != null) {
            try {
                store.close();
            } catch (RuntimeException e) {
                LOG.debug("closing the checkpoint store failed", e);
            }
            store = null;
        }
    }

    /**
     * Stops mirroring: queued writes run, positions still unwritten get one last attempt, then the
     * store is closed, all on the mirror thread. Waits up to the close timeout for that.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        try {
            executor.execute(
                    () -> {
                        write(false);
                        closeStoreQuietly();
                    });
        } catch (RejectedExecutionException e) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn(
                        "a checkpoint store write of the mirror is still running after {}; the"
                                + " store is closed when it returns",
                        closeTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
