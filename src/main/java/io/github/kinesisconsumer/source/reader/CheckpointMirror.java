package io.github.kinesisconsumer.source.reader;

import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreFactory;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Mirrors a reader's positions into a checkpoint store after each completed Flink checkpoint: the
 * positions of that checkpoint only, in checkpoint order, in one batch per checkpoint, on its own
 * thread. A failed write is logged and counted, and its positions are written with the next
 * completed checkpoint; it never fails or blocks the job.
 *
 * <p>Metrics (group {@code KinesisSource.mirror}): {@code lastMirroredCheckpointId}, {@code
 * mirrorLatencyMs}, {@code mirrorFailures}, {@code mirroredShards}.
 */
final class CheckpointMirror implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointMirror.class);

    private final CheckpointStoreFactory factory;
    private final String appName;
    private final String streamName;
    private final ExecutorService executor;
    private final TreeMap<Long, Map<String, Checkpoint>> pending = new TreeMap<>();
    private final Counter failures;

    /** Touched only on the mirror thread. */
    private final Map<String, Checkpoint> unwritten = new HashMap<>();

    private CheckpointStore store;
    private volatile long lastMirroredCheckpointId = -1;
    private volatile long lastLatencyMillis = -1;
    private volatile long lastMirroredShards;

    CheckpointMirror(
            CheckpointStoreFactory factory,
            String appName,
            String streamName,
            MetricGroup metrics,
            int subtaskIndex) {
        this.factory = factory;
        this.appName = appName;
        this.streamName = streamName;
        this.executor =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "kinesis-mirror-" + subtaskIndex);
                            t.setDaemon(true);
                            return t;
                        });
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
                batch.merge(e.getKey(), e.getValue(), (a, b) -> b.isAfter(a) ? b : a);
            }
            it.remove();
        }
        if (batch.isEmpty()) {
            return;
        }
        executor.execute(() -> write(checkpointId, batch));
    }

    /** Forgets positions of checkpoints that were aborted. */
    void checkpointAborted(long checkpointId) {
        pending.remove(checkpointId);
    }

    private void write(long checkpointId, Map<String, Checkpoint> batch) {
        batch.forEach((shard, cp) -> unwritten.merge(shard, cp, (a, b) -> b.isAfter(a) ? b : a));
        long start = System.nanoTime();
        try {
            if (store == null) {
                store = factory.create();
            }
            store.putAll(appName, streamName, unwritten);
            store.flush();
            lastLatencyMillis = (System.nanoTime() - start) / 1_000_000;
            lastMirroredShards = unwritten.size();
            lastMirroredCheckpointId = checkpointId;
            LOG.debug(
                    "mirrored {} positions of checkpoint {} in {} ms",
                    unwritten.size(),
                    checkpointId,
                    lastLatencyMillis);
            unwritten.clear();
        } catch (RuntimeException e) {
            failures.inc();
            LOG.warn(
                    "mirroring {} positions of checkpoint {} into the checkpoint store failed;"
                            + " they are retried with the next completed checkpoint (the job is"
                            + " not affected): {}",
                    unwritten.size(),
                    checkpointId,
                    e.toString());
            closeStoreQuietly();
        }
    }

    private void closeStoreQuietly() {
        if (store != null) {
            try {
                store.close();
            } catch (RuntimeException ignored) {
                // reconnect on the next write
            }
            store = null;
        }
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        closeStoreQuietly();
    }
}
