package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import java.time.Duration;

/** Bounds of the per-shard batches of {@link KinesisConsumer#scanBatch}. */
@PublicEvolving
public final class BatchOptions {

    private final int maxSize;
    private final Duration flushInterval;

    private BatchOptions(int maxSize, Duration flushInterval) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("batch maxSize must be >= 1, but was " + maxSize);
        }
        if (flushInterval == null || flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException(
                    "batch flushInterval must be positive, but was " + flushInterval);
        }
        this.maxSize = maxSize;
        this.flushInterval = flushInterval;
    }

    /** Go's {@code ScanBatch} defaults: batches of at most 100 records, flushed every second. */
    public static BatchOptions defaults() {
        return maxSize(100);
    }

    /** Batches of at most {@code maxSize} records, flushed at least every second. */
    public static BatchOptions maxSize(int maxSize) {
        return new BatchOptions(maxSize, Duration.ofSeconds(1));
    }

    /** The same size bound; a non-empty batch is delivered once it is this old. */
    public BatchOptions flushInterval(Duration flushInterval) {
        return new BatchOptions(maxSize, flushInterval);
    }

    public int maxSize() {
        return maxSize;
    }

    public Duration flushInterval() {
        return flushInterval;
    }

    @Override
    public String toString() {
        return "BatchOptions{maxSize=" + maxSize + ", flushInterval=" + flushInterval + "}";
    }
}
