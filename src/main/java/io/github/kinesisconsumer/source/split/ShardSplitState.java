package io.github.kinesisconsumer.source.split;

import io.github.kinesisconsumer.annotation.Internal;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.read.WholeRecordTracker;

/** The mutable position of a split while a reader reads it: the last emitted record. */
@Internal
public final class ShardSplitState {

    private final ShardSplit split;
    private String lastSequenceNumber;
    private long lastSubSequenceNumber = StartingPosition.NO_SUB_SEQUENCE;
    private final WholeRecordTracker wholeRecords;

    public ShardSplitState(ShardSplit split) {
        this.split = split;
        this.wholeRecords =
                new WholeRecordTracker(split.startingPosition(), null, split.wholeRecordSequence());
    }

    public ShardSplit split() {
        return split;
    }

    /** Records that the record at this position has been emitted. */
    public void setPosition(String sequenceNumber, long subSequenceNumber) {
        wholeRecords.read(sequenceNumber, subSequenceNumber);
        this.lastSequenceNumber = sequenceNumber;
        this.lastSubSequenceNumber = subSequenceNumber;
    }

    /** The last emitted sequence number, or null if none was emitted yet. */
    public String lastSequenceNumber() {
        return lastSequenceNumber;
    }

    public long lastSubSequenceNumber() {
        return lastSubSequenceNumber;
    }

    /** The split to resume from: after the last emitted record, or where it started. */
    public ShardSplit toSplit() {
        if (lastSequenceNumber == null) {
            return split;
        }
        return split.withPosition(
                StartingPosition.afterSequenceNumber(lastSequenceNumber, lastSubSequenceNumber),
                wholeRecords.wholeRecordSequence());
    }
}
