package io.github.kinesisconsumer.kinesis.read;

import io.github.kinesisconsumer.annotation.Internal;
import io.github.kinesisconsumer.kinesis.StartingPosition;

/**
 * Follows the records read from one shard and knows the last one read whole: a plain record as soon
 * as it is read, a KPL aggregate once a record with another sequence number follows it. A reader
 * that resumes only after whole records (the Go library) loses nothing from there.
 */
@Internal
public final class WholeRecordTracker {

    private String lastSequence;
    private String wholeRecord;

    /**
     * Starts after {@code start}: an {@code AFTER_SEQUENCE_NUMBER} position outside an aggregate is
     * whole itself; inside one, {@code knownWholeRecord} (null when unknown) is. {@code
     * lastSequence} is the record read last, or null to learn it from the first record read.
     */
    public WholeRecordTracker(
            StartingPosition start, String lastSequence, String knownWholeRecord) {
        this.lastSequence = lastSequence;
        if (start.type() == StartingPosition.Type.AFTER_SEQUENCE_NUMBER) {
            wholeRecord =
                    start.subSequenceNumber() == StartingPosition.NO_SUB_SEQUENCE
                            ? start.sequenceNumber()
                            : knownWholeRecord;
        }
    }

    /** The record (or user record {@code subSequenceNumber} of an aggregate) was read. */
    public void read(String sequenceNumber, long subSequenceNumber) {
        if (subSequenceNumber == StartingPosition.NO_SUB_SEQUENCE) {
            wholeRecord = sequenceNumber;
        } else if (lastSequence != null && !lastSequence.equals(sequenceNumber)) {
            wholeRecord = lastSequence;
        }
        lastSequence = sequenceNumber;
    }

    /** The last record read whole, or null when unknown. */
    public String wholeRecordSequence() {
        return wholeRecord;
    }
}
