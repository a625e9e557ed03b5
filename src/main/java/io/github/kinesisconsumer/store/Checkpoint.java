package io.github.kinesisconsumer.store;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.kinesis.StartingPosition;

import java.math.BigInteger;
import java.util.Objects;

/**
 * A stored position in a shard: the last processed sequence number, the sub-sequence number inside
 * a KPL aggregate (or {@link StartingPosition#NO_SUB_SEQUENCE}), and whether the shard was read to
 * its end.
 *
 * <p>Checkpoints are ordered by sequence number (numerically), then sub-sequence number, then
 * finished after unfinished. Stores never replace a checkpoint with one that is not greater.
 *
 * <p>A position inside a KPL aggregate may also carry {@link #wholeRecordSequence()}: the last
 * record read whole before it. Stores in the Go library's layouts keep that one in the column the
 * Go library reads, since a reader that resumes only after whole records would otherwise skip the
 * rest of the aggregate; the exact position goes into the columns only this library reads.
 */
@PublicEvolving
public final class Checkpoint implements Comparable<Checkpoint> {

    private final String sequenceNumber;
    private final long subSequenceNumber;
    private final boolean finished;
    private final String wholeRecordSequence;
    private transient BigInteger numeric;

    private Checkpoint(String sequenceNumber, long subSequenceNumber, boolean finished) {
        this(sequenceNumber, subSequenceNumber, finished, null);
    }

    private Checkpoint(
            String sequenceNumber,
            long subSequenceNumber,
            boolean finished,
            String wholeRecordSequence) {
        if (sequenceNumber == null || sequenceNumber.isEmpty()) {
            throw new IllegalArgumentException("sequence number must not be empty");
        }
        for (int i = 0; i < sequenceNumber.length(); i++) {
            char c = sequenceNumber.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException(
                        "sequence number must be decimal digits, but was '" + sequenceNumber + "'");
            }
        }
        if (sequenceNumber.length() > 129) {
            throw new IllegalArgumentException(
                    "sequence number has "
                            + sequenceNumber.length()
                            + " digits; Kinesis sequence numbers have at most 129");
        }
        if (subSequenceNumber < StartingPosition.NO_SUB_SEQUENCE) {
            throw new IllegalArgumentException(
                    "sub-sequence number must be >= -1, but was " + subSequenceNumber);
        }
        this.sequenceNumber = sequenceNumber;
        this.subSequenceNumber = subSequenceNumber;
        this.finished = finished;
        this.wholeRecordSequence =
                subSequenceNumber == StartingPosition.NO_SUB_SEQUENCE || finished
                        ? sequenceNumber
                        : wholeRecordSequence;
    }

    /** After the record {@code sequenceNumber}. */
    public static Checkpoint at(String sequenceNumber) {
        return new Checkpoint(sequenceNumber, StartingPosition.NO_SUB_SEQUENCE, false);
    }

    /** After user record {@code subSequenceNumber} of aggregate {@code sequenceNumber}. */
    public static Checkpoint at(String sequenceNumber, long subSequenceNumber) {
        return new Checkpoint(sequenceNumber, subSequenceNumber, false);
    }

    /** Full constructor, as read from a store. */
    public static Checkpoint of(String sequenceNumber, long subSequenceNumber, boolean finished) {
        return new Checkpoint(sequenceNumber, subSequenceNumber, finished);
    }

    public String sequenceNumber() {
        return sequenceNumber;
    }

    /** Index inside a KPL aggregate, or {@link StartingPosition#NO_SUB_SEQUENCE}. */
    public long subSequenceNumber() {
        return subSequenceNumber;
    }

    /** True when the shard was read to its end; its children may be read. */
    public boolean isFinished() {
        return finished;
    }

    /** This checkpoint marked finished. */
    public Checkpoint asFinished() {
        return new Checkpoint(sequenceNumber, subSequenceNumber, true);
    }

    /**
     * This position, noting that the record {@code sequenceNumber} before it was read whole (null:
     * unknown). Only positions inside an aggregate keep it; elsewhere the position itself is whole.
     */
    public Checkpoint withWholeRecordSequence(String sequenceNumber) {
        if (sequenceNumber != null && compareDigits(sequenceNumber, this.sequenceNumber) > 0) {
            throw new IllegalArgumentException(
                    "whole record " + sequenceNumber + " lies after the position " + this);
        }
        return new Checkpoint(this.sequenceNumber, subSequenceNumber, finished, sequenceNumber);
    }

    /** Compares two decimal digit strings as numbers, without parsing them. */
    private static int compareDigits(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() - 1 && a.charAt(i) == '0') {
            i++;
        }
        while (j < b.length() - 1 && b.charAt(j) == '0') {
            j++;
        }
        int byLength = Integer.compare(a.length() - i, b.length() - j);
        if (byLength != 0) {
            return byLength;
        }
        return a.substring(i).compareTo(b.substring(j));
    }

    /**
     * The last sequence number from which a reader that resumes only after whole records loses
     * nothing: the position itself unless it lies inside a KPL aggregate; there, the record read
     * whole before the aggregate, or null when that is unknown.
     */
    public String wholeRecordSequence() {
        return wholeRecordSequence;
    }

    /** Where to resume reading: just after this checkpoint. */
    public StartingPosition resumePosition() {
        return StartingPosition.afterSequenceNumber(sequenceNumber, subSequenceNumber);
    }

    /** The sequence number as a number, for comparisons. */
    public BigInteger numericSequence() {
        BigInteger n = numeric;
        if (n == null) {
            n = new BigInteger(sequenceNumber);
            numeric = n;
        }
        return n;
    }

    /** Whether a store holding {@code current} may replace it with this checkpoint. */
    public boolean isAfter(Checkpoint current) {
        return current == null || compareTo(current) > 0;
    }

    @Override
    public int compareTo(Checkpoint o) {
        int c = numericSequence().compareTo(o.numericSequence());
        if (c != 0) {
            return c;
        }
        c = Long.compare(subSequenceNumber, o.subSequenceNumber);
        if (c != 0) {
            return c;
        }
        return Boolean.compare(finished, o.finished);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Checkpoint)) {
            return false;
        }
        Checkpoint that = (Checkpoint) o;
        return subSequenceNumber == that.subSequenceNumber
                && finished == that.finished
                && numericSequence().equals(that.numericSequence());
    }

    @Override
    public int hashCode() {
        return Objects.hash(numericSequence(), subSequenceNumber, finished);
    }

    @Override
    public String toString() {
        return sequenceNumber
                + (subSequenceNumber == StartingPosition.NO_SUB_SEQUENCE
                        ? ""
                        : "/" + subSequenceNumber)
                + (finished ? " finished" : "");
    }
}
