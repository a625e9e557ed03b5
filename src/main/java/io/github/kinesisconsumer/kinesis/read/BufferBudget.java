package io.github.kinesisconsumer.kinesis.read;

import io.github.kinesisconsumer.kinesis.wire.RawRecord;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes a {@link ShardReadingEngine} may hold: results waiting to be taken (or taken and not
 * released) plus room reserved for answers in flight, against one bound. Each record counts its
 * payload plus {@value #RECORD_OVERHEAD} bytes. Buffered bytes are given back on any thread; all
 * else happens on the engine's thread.
 */
final class BufferBudget {

    /**
     * Heap a fetched record costs beyond its payload (the {@code RawRecord}, its sequence number
     * and partition key).
     */
    static final int RECORD_OVERHEAD = 512;

    /** What a record is assumed to cost before any was read: the largest Kinesis record. */
    static final long UNKNOWN_RECORD_COST = 1024 * 1024 + RECORD_OVERHEAD;

    private final long max;
    private final AtomicLong buffered = new AtomicLong();
    private final AtomicLong reserved = new AtomicLong();

    /** The largest record cost in the latest non-empty answer of any shard. */
    private long latestRecordCost = UNKNOWN_RECORD_COST;

    BufferBudget(long max) {
        this.max = max;
    }

    long max() {
        return max;
    }

    long buffered() {
        return buffered.get();
    }

    /** Bytes buffered or reserved. */
    long used() {
        return buffered.get() + reserved.get();
    }

    boolean isFull() {
        return used() >= max;
    }

    /**
     * Counts the records of an answer of the lane as buffered and returns their cost; the largest
     * sizes the lane's next calls.
     */
    long add(Lane<?> lane, List<RawRecord> records) {
        if (records.isEmpty()) {
            return 0;
        }
        long bytes = 0;
        long largest = 0;
        for (int i = 0; i < records.size(); i++) {
            long cost = records.get(i).data().length + RECORD_OVERHEAD;
            bytes += cost;
            largest = Math.max(largest, cost);
        }
        lane.recordCost = largest;
        latestRecordCost = largest;
        buffered.addAndGet(bytes);
        return bytes;
    }

    /** Gives back buffered bytes; returns whether there is room now. */
    boolean release(long bytes) {
        return buffered.addAndGet(-bytes) + reserved.get() < max;
    }

    void reserve(Lane<?> lane, long bytes) {
        lane.reservedBytes += bytes;
        reserved.addAndGet(bytes);
    }

    void unreserve(Lane<?> lane) {
        if (lane.reservedBytes != 0) {
            reserved.addAndGet(-lane.reservedBytes);
            lane.reservedBytes = 0;
        }
    }

    /** What a record of the lane is expected to cost: its last answer's largest, else any's. */
    long expectedRecordCost(Lane<?> lane) {
        return lane.recordCost > 0 ? lane.recordCost : latestRecordCost;
    }
}
