package io.github.kinesisconsumer.kinesis.read;

import io.github.kinesisconsumer.kinesis.StartingPosition;

/**
 * One shard a {@link ShardReadingEngine} reads: where it started, how far it got, and whether it
 * may fetch now. Touched only on the engine's thread.
 *
 * @param <S> what the transport keeps per shard (an iterator, a subscription)
 */
final class Lane<S> {

    final String shardId;
    final S transport;

    /** Where reading starts; null until the trim-horizon check has resolved it. */
    StartingPosition start;

    /** The sequence number reading continues after; null until the transport reports one. */
    String resumeAfter;

    boolean recordSeen;
    boolean removed;
    boolean paused;

    /** True while the engine checks whether a missing shard is gone past retention. */
    boolean checking;

    boolean goneChecked;
    int failures;

    /** Bytes the transport reserved for the answer in flight. */
    long reservedBytes;

    /** The largest record cost in the shard's last non-empty answer; 0 before one. */
    long recordCost;

    Lane(String shardId, S transport) {
        this.shardId = shardId;
        this.transport = transport;
    }

    /** Whether the transport may fetch for this lane, buffer room aside. */
    boolean readable() {
        return !removed && !paused && !checking && start != null;
    }

    /** Where reading continues: after the last sequence number reported, else at the start. */
    StartingPosition position() {
        return resumeAfter != null ? StartingPosition.afterSequenceNumber(resumeAfter) : start;
    }
}
