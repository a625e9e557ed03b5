package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.read.WholeRecordTracker;
import io.github.kinesisconsumer.store.Checkpoint;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * One shard's serial lane: tasks run one at a time, in order, on a shared pool. It keeps the
 * shard's checkpoint state: the last record that may be checkpointed and what was last written.
 */
final class ShardLane {

    /** A task on the lane. */
    interface Task {
        void run(ShardLane lane) throws Exception;
    }

    private final String shardId;
    private final ScanRun run;
    private final Executor pool;
    private final ShardHandler handler;
    private final ArrayDeque<Task> queue = new ArrayDeque<>();
    private boolean running;
    private volatile boolean dropped;

    private final String emptyShardSequence;
    private Checkpoint checkpointable;
    private Checkpoint written;
    private final WholeRecordTracker wholeRecords;
    private boolean deliveredSinceCheckpointable;

    ShardLane(
            String shardId,
            ScanRun run,
            Executor pool,
            StartingPosition start,
            ShardHandler handler,
            String emptyShardSequence) {
        this.shardId = shardId;
        this.emptyShardSequence = emptyShardSequence;
        this.handler = handler;
        this.run = run;
        this.pool = pool;
        if (start.type() == StartingPosition.Type.AFTER_SEQUENCE_NUMBER) {
            this.written = Checkpoint.at(start.sequenceNumber(), start.subSequenceNumber());
            this.checkpointable = written;
        }
        this.wholeRecords =
                new WholeRecordTracker(
                        start, written == null ? null : written.sequenceNumber(), null);
    }

    /** Counts {@code count} records handed to the callback. */
    void counted(int count) {
        run.delivered(shardId, count);
    }

    String shardId() {
        return shardId;
    }

    /** What the scan does with this shard's records. */
    ShardHandler handler() {
        return handler;
    }

    void submit(Task task) {
        synchronized (queue) {
            queue.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        pool.execute(this::drain);
    }

    private void drain() {
        while (true) {
            Task task;
            synchronized (queue) {
                task = queue.poll();
                if (task == null) {
                    running = false;
                    queue.notifyAll();
                    return;
                }
            }
            try {
                task.run(this);
            } catch (Throwable t) {
                run.fail(shardId, t);
            }
        }
    }

    /** Waits until no task is queued or running. */
    void awaitIdle(long deadlineNanos) throws InterruptedException {
        synchronized (queue) {
            while (running || !queue.isEmpty()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                queue.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** The scan stops, the lane was dropped, or this worker no longer holds the shard's lease. */
    boolean isStopping() {
        return run.isStopping() || !leaseHeld();
    }

    /**
     * Whether the lane may go on: a lane whose lease is no longer held (it expired while the
     * process was frozen, say) is dropped for good, so it never resumes after a gap; the scan
     * starts a new lane from the checkpoint if the lease is held again.
     */
    boolean leaseHeld() {
        if (!dropped && !run.holdsLease(shardId)) {
            dropped = true;
        }
        return !dropped;
    }

    /** This worker no longer reads the shard: queued work is skipped, nothing more is written. */
    void drop() {
        dropped = true;
    }

    boolean isDropped() {
        return dropped;
    }

    void requestStop() {
        run.requestStop();
    }

    /**
     * Records were delivered; the checkpoint may only pass them through {@link #checkpointable}.
     */
    void delivered() {
        deliveredSinceCheckpointable = true;
    }

    /** The checkpoint may advance past {@code record}. */
    void checkpointable(ScanRecord record) {
        wholeRecords.read(record.sequenceNumber(), record.subSequenceNumber());
        checkpointable =
                Checkpoint.at(record.sequenceNumber(), record.subSequenceNumber())
                        .withWholeRecordSequence(wholeRecords.wholeRecordSequence());
        deliveredSinceCheckpointable = false;
    }

    /** Writes the checkpointable position if it moved since the last write. */
    void writeCheckpoint() {
        if (dropped) {
            return;
        }
        if (checkpointable != null && !checkpointable.equals(written)) {
            run.writeCheckpoint(shardId, checkpointable);
            written = checkpointable;
        }
    }

    /**
     * Marks the shard finished in the store, unless records after the last checkpointable one were
     * delivered (skipped records must be delivered again after a restart).
     */
    boolean writeFinished() {
        if (deliveredSinceCheckpointable) {
            writeCheckpoint();
            return false;
        }
        Checkpoint last =
                checkpointable != null
                        ? checkpointable
                        : Checkpoint.at(
                                emptyShardSequence != null ? emptyShardSequence : "0",
                                StartingPosition.NO_SUB_SEQUENCE);
        Checkpoint finished = last.asFinished();
        run.writeCheckpoint(shardId, finished);
        written = finished;
        return true;
    }
}
