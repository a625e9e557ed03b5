package io.github.kinesisconsumer.kinesis;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import java.nio.charset.StandardCharsets;

/**
 * One user record read from a shard, with its metadata. For a record that came out of a KPL
 * aggregate, {@link #subSequenceNumber()} is its index inside the aggregate; otherwise it is {@link
 * StartingPosition#NO_SUB_SEQUENCE}.
 */
@PublicEvolving
public final class KinesisRecord {

    private final String streamName;
    private final String shardId;
    private final String partitionKey;
    private final String explicitHashKey;
    private final String sequenceNumber;
    private final long subSequenceNumber;
    private final long approximateArrivalMillis;
    private final byte[] data;
    private final int offset;
    private final int length;

    public KinesisRecord(
            String streamName,
            String shardId,
            String partitionKey,
            String explicitHashKey,
            String sequenceNumber,
            long subSequenceNumber,
            long approximateArrivalMillis,
            byte[] data,
            int offset,
            int length) {
        this.streamName = streamName;
        this.shardId = shardId;
        this.partitionKey = partitionKey;
        this.explicitHashKey = explicitHashKey;
        this.sequenceNumber = sequenceNumber;
        this.subSequenceNumber = subSequenceNumber;
        this.approximateArrivalMillis = approximateArrivalMillis;
        this.data = data;
        this.offset = offset;
        this.length = length;
    }

    public String streamName() {
        return streamName;
    }

    public String shardId() {
        return shardId;
    }

    public String partitionKey() {
        return partitionKey;
    }

    /** The explicit hash key of a KPL user record, else null. */
    public String explicitHashKey() {
        return explicitHashKey;
    }

    public String sequenceNumber() {
        return sequenceNumber;
    }

    /** Index inside a KPL aggregate, or {@link StartingPosition#NO_SUB_SEQUENCE}. */
    public long subSequenceNumber() {
        return subSequenceNumber;
    }

    public boolean isAggregated() {
        return subSequenceNumber != StartingPosition.NO_SUB_SEQUENCE;
    }

    /** The time Kinesis accepted the record, in epoch milliseconds. */
    public long approximateArrivalMillis() {
        return approximateArrivalMillis;
    }

    /**
     * The payload. It may share its array with the fetched response (no copy); do not modify it.
     */
    public byte[] data() {
        if (offset == 0 && length == data.length) {
            return data;
        }
        byte[] copy = new byte[length];
        System.arraycopy(data, offset, copy, 0, length);
        return copy;
    }

    /** The array holding the payload at {@link #dataOffset()}; shared, do not modify. */
    public byte[] dataArray() {
        return data;
    }

    public int dataOffset() {
        return offset;
    }

    public int dataLength() {
        return length;
    }

    /** The payload decoded as UTF-8. */
    public String dataAsString() {
        return new String(data, offset, length, StandardCharsets.UTF_8);
    }

    /** The position just after this record, to resume from. */
    public StartingPosition positionAfter() {
        return StartingPosition.afterSequenceNumber(sequenceNumber, subSequenceNumber);
    }

    @Override
    public String toString() {
        return shardId
                + "/"
                + sequenceNumber
                + (isAggregated() ? "/" + subSequenceNumber : "")
                + " key="
                + partitionKey
                + " bytes="
                + length;
    }
}
