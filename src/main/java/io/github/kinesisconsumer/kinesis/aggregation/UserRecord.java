package io.github.kinesisconsumer.kinesis.aggregation;

import io.github.kinesisconsumer.annotation.Internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * One user record: either a record of a KPL aggregate, or a whole Kinesis record that was not
 * aggregated.
 *
 * <p>The payload is not copied: it is a range of the array the record was de-aggregated from.
 * {@link #data()} exposes it as a read-only {@link ByteBuffer}; {@link #dataBytes()} as an array
 * (shared when the range is the whole array, copied otherwise). Together with the Kinesis sequence
 * number, {@link #subSequenceNumber()} identifies the user record, so a consumer can checkpoint
 * part-way through an aggregate.
 *
 * <p>Instances are immutable as long as the underlying array is not modified.
 */
@Internal
public final class UserRecord {

    private final String partitionKey;
    private final String explicitHashKey;
    private final byte[] array;
    private final int offset;
    private final int length;
    private final long subSequenceNumber;
    private final boolean aggregated;

    /**
     * Creates a user record over a range of {@code array}, which is not copied.
     *
     * @param partitionKey the partition key, not null
     * @param explicitHashKey the explicit hash key (a decimal 128-bit integer), or null
     * @param array the array holding the payload
     * @param offset start of the payload in {@code array}
     * @param length length of the payload
     * @param subSequenceNumber index of the record within its aggregate; 0 for plain records
     * @param aggregated whether the record came out of a KPL aggregate
     */
    public UserRecord(
            String partitionKey,
            String explicitHashKey,
            byte[] array,
            int offset,
            int length,
            long subSequenceNumber,
            boolean aggregated) {
        this.partitionKey = Objects.requireNonNull(partitionKey, "partitionKey");
        this.explicitHashKey = explicitHashKey;
        this.array = Objects.requireNonNull(array, "array");
        Objects.checkFromIndexSize(offset, length, array.length);
        if (subSequenceNumber < 0) {
            throw new IllegalArgumentException("subSequenceNumber < 0: " + subSequenceNumber);
        }
        this.offset = offset;
        this.length = length;
        this.subSequenceNumber = subSequenceNumber;
        this.aggregated = aggregated;
    }

    /**
     * Creates a plain (not aggregated) user record whose payload is all of {@code data}, which is
     * not copied.
     *
     * @param partitionKey the partition key, not null
     * @param explicitHashKey the explicit hash key, or null
     * @param data the payload
     * @return a record with sub-sequence number 0 and {@link #aggregated()} false
     */
    public static UserRecord plain(String partitionKey, String explicitHashKey, byte[] data) {
        return new UserRecord(partitionKey, explicitHashKey, data, 0, data.length, 0, false);
    }

    /** The partition key: from the aggregate's table, or the Kinesis record's own key. */
    public String partitionKey() {
        return partitionKey;
    }

    /** The explicit hash key, or null when the record has none. */
    public String explicitHashKey() {
        return explicitHashKey;
    }

    /**
     * The payload as a new read-only buffer (position 0, limit = length) over the original bytes;
     * no bytes are copied. Each call returns an independent buffer.
     */
    /** The array that holds the payload at {@link #dataOffset()}; shared, do not modify. */
    public byte[] dataArray() {
        return array;
    }

    /** Where the payload starts in {@link #dataArray()}. */
    public int dataOffset() {
        return offset;
    }

    public ByteBuffer data() {
        return ByteBuffer.wrap(array, offset, length).slice().asReadOnlyBuffer();
    }

    /**
     * The payload as an array. When the payload is the whole source array (always the case for
     * records that were not aggregated) that array itself is returned, without a copy; otherwise a
     * copy of the range. Callers must not modify the result.
     */
    public byte[] dataBytes() {
        if (offset == 0 && length == array.length) {
            return array;
        }
        return Arrays.copyOfRange(array, offset, offset + length);
    }

    /** The payload length in bytes. */
    public int dataLength() {
        return length;
    }

    /** The index of this record within its aggregate (0, 1, 2, ...); 0 for plain records. */
    public long subSequenceNumber() {
        return subSequenceNumber;
    }

    /** Whether this record came out of a KPL aggregate. */
    public boolean aggregated() {
        return aggregated;
    }

    @Override
    public String toString() {
        return "UserRecord{partitionKey="
                + partitionKey
                + ", explicitHashKey="
                + explicitHashKey
                + ", dataLength="
                + length
                + ", subSequenceNumber="
                + subSequenceNumber
                + ", aggregated="
                + aggregated
                + '}';
    }
}
