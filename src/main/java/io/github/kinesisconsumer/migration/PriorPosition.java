package io.github.kinesisconsumer.migration;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import java.util.Objects;

/**
 * Where an earlier consumer (the legacy {@code FlinkKinesisConsumer}, the KCL, a
 * harlow/kinesis-consumer group) left one shard, as read from its state, before it is checked
 * against the stream.
 */
@PublicEvolving
public final class PriorPosition {

    /** What the earlier consumer recorded for the shard. */
    public enum Kind {
        /** Every record up to and including a sequence number (and sub-sequence) was processed. */
        AFTER_SEQUENCE,
        /** The shard was read to its end. */
        SHARD_END,
        /** Nothing processed yet; the consumer would start at the oldest record. */
        TRIM_HORIZON,
        /** Nothing processed yet; the consumer would start at the newest record. */
        LATEST,
        /** Nothing processed yet; the consumer would start at a time kept outside its state. */
        AT_TIMESTAMP
    }

    private final String streamName;
    private final String shardId;
    private final Kind kind;
    private final String sequenceNumber;
    private final long subSequenceNumber;

    private PriorPosition(
            String streamName,
            String shardId,
            Kind kind,
            String sequenceNumber,
            long subSequenceNumber) {
        this.streamName = requireText(streamName, "streamName");
        this.shardId = requireText(shardId, "shardId");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.sequenceNumber = sequenceNumber;
        this.subSequenceNumber = subSequenceNumber;
    }

    /**
     * Processed up to and including {@code sequenceNumber}; {@code subSequenceNumber} is the last
     * user record processed inside a KPL aggregate, or -1 for a whole record.
     */
    public static PriorPosition after(
            String streamName, String shardId, String sequenceNumber, long subSequenceNumber) {
        if (sequenceNumber == null || sequenceNumber.isEmpty() || !digitsOnly(sequenceNumber)) {
            throw new IllegalArgumentException(
                    "shard "
                            + shardId
                            + " of stream "
                            + streamName
                            + ": a sequence number must be decimal digits, but was '"
                            + sequenceNumber
                            + "'");
        }
        if (subSequenceNumber < -1) {
            throw new IllegalArgumentException(
                    "shard "
                            + shardId
                            + " of stream "
                            + streamName
                            + ": a sub-sequence number must be >= -1, but was "
                            + subSequenceNumber);
        }
        return new PriorPosition(
                streamName, shardId, Kind.AFTER_SEQUENCE, sequenceNumber, subSequenceNumber);
    }

    /**
     * A position without a sequence number: {@link Kind#SHARD_END}, {@link Kind#TRIM_HORIZON},
     * {@link Kind#LATEST} or {@link Kind#AT_TIMESTAMP}.
     */
    public static PriorPosition sentinel(String streamName, String shardId, Kind kind) {
        if (kind == Kind.AFTER_SEQUENCE) {
            throw new IllegalArgumentException("AFTER_SEQUENCE needs a sequence number: after(..)");
        }
        return new PriorPosition(streamName, shardId, kind, null, -1L);
    }

    private static boolean digitsOnly(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }

    public String streamName() {
        return streamName;
    }

    public String shardId() {
        return shardId;
    }

    public Kind kind() {
        return kind;
    }

    /** The last processed sequence number for {@link Kind#AFTER_SEQUENCE}, else null. */
    public String sequenceNumber() {
        return sequenceNumber;
    }

    /** The last processed user record inside an aggregate, or -1. */
    public long subSequenceNumber() {
        return subSequenceNumber;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PriorPosition)) {
            return false;
        }
        PriorPosition that = (PriorPosition) o;
        return subSequenceNumber == that.subSequenceNumber
                && streamName.equals(that.streamName)
                && shardId.equals(that.shardId)
                && kind == that.kind
                && Objects.equals(sequenceNumber, that.sequenceNumber);
    }

    @Override
    public int hashCode() {
        return Objects.hash(streamName, shardId, kind, sequenceNumber, subSequenceNumber);
    }

    @Override
    public String toString() {
        if (kind != Kind.AFTER_SEQUENCE) {
            return streamName + "/" + shardId + " " + kind;
        }
        return streamName
                + "/"
                + shardId
                + " after "
                + sequenceNumber
                + (subSequenceNumber < 0 ? "" : "/" + subSequenceNumber);
    }
}
