package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.annotation.PublicEvolving;

/**
 * Counts what a scan does, like Go's {@code WithCounter}: records handed to the callback and
 * checkpoints written. Called from the scan's threads, so an implementation must be thread-safe and
 * quick.
 */
@PublicEvolving
public interface ScanCounter {

    /** {@code count} records of {@code shardId} were handed to the scan callback. */
    void recordsDelivered(String shardId, int count);

    /** A checkpoint of {@code shardId} was written to the store. */
    void checkpointWritten(String shardId);
}
