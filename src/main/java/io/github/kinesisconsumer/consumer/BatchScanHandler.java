package io.github.kinesisconsumer.consumer;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects a shard's records into batches bounded by size and age, and hands each to a {@link
 * BatchFunction} under a lock shared by all shards, so batches are never delivered concurrently.
 */
final class BatchScanHandler implements ShardHandler {

    private final BatchFunction fn;
    private final BatchOptions options;
    private final Object deliveryLock;
    private final List<ScanRecord> batch = new ArrayList<>();
    private long batchStartNanos;

    BatchScanHandler(BatchFunction fn, BatchOptions options, Object deliveryLock) {
        this.fn = fn;
        this.options = options;
        this.deliveryLock = deliveryLock;
    }

    @Override
    public void onRecords(List<ScanRecord> records, ShardLane lane) throws Exception {
        for (ScanRecord record : records) {
            if (lane.isStopping()) {
                return;
            }
            if (batch.isEmpty()) {
                batchStartNanos = System.nanoTime();
            }
            batch.add(record);
            if (batch.size() >= options.maxSize()) {
                deliver(lane);
            }
        }
    }

    @Override
    public void onTick(ShardLane lane) throws Exception {
        if (!batch.isEmpty()
                && System.nanoTime() - batchStartNanos >= options.flushInterval().toNanos()) {
            deliver(lane);
        }
    }

    @Override
    public void onShardEnd(ShardLane lane) throws Exception {
        deliver(lane);
    }

    @Override
    public void onCleanStop(ShardLane lane) throws Exception {
        deliver(lane);
    }

    private void deliver(ShardLane lane) throws Exception {
        if (batch.isEmpty()) {
            return;
        }
        List<ScanRecord> delivered = List.copyOf(batch);
        batch.clear();
        synchronized (deliveryLock) {
            try {
                fn.process(delivered);
                lane.counted(delivered.size());
            } catch (Exception e) {
                ScanRecord first = delivered.get(0);
                ScanRecord last = delivered.get(delivered.size() - 1);
                throw CallbackFailure.attach(
                        e,
                        "the batch function failed on a batch of "
                                + delivered.size()
                                + " record(s) of shard "
                                + first.shardId()
                                + ", sequence numbers "
                                + first.sequenceNumber()
                                + CallbackFailure.subSequence(first)
                                + " to "
                                + last.sequenceNumber()
                                + CallbackFailure.subSequence(last)
                                + "; the scan stopped and the batch is not checkpointed");
            }
        }
        lane.checkpointable(delivered.get(delivered.size() - 1));
    }
}
