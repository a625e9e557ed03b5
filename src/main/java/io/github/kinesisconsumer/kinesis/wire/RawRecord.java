package io.github.kinesisconsumer.kinesis.wire;

import io.github.kinesisconsumer.annotation.Internal;

import software.amazon.awssdk.services.kinesis.model.Record;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One record as a GetRecords answer or a SubscribeToShard event holds it, before KPL aggregates are
 * split: one object per record where the SDK's model takes four (builder, record, bytes and
 * instant).
 */
@Internal
public final class RawRecord {

    private final String sequenceNumber;
    private final String partitionKey;
    private final long arrivalMillis;
    private final byte[] data;

    /** {@code arrivalMillis}: epoch milliseconds, 0 if the answer gave none. */
    public RawRecord(String sequenceNumber, String partitionKey, long arrivalMillis, byte[] data) {
        this.sequenceNumber = sequenceNumber;
        this.partitionKey = partitionKey;
        this.arrivalMillis = arrivalMillis;
        this.data = data;
    }

    /** The same record from the SDK's model (enhanced fan-out, and answers the SDK decoded). */
    public static RawRecord of(Record record) {
        return new RawRecord(
                record.sequenceNumber(),
                record.partitionKey(),
                record.approximateArrivalTimestamp() == null
                        ? 0L
                        : record.approximateArrivalTimestamp().toEpochMilli(),
                record.data() == null ? new byte[0] : record.data().asByteArrayUnsafe());
    }

    /** {@link #of} for each record. */
    public static List<RawRecord> all(List<Record> records) {
        List<RawRecord> raw = new ArrayList<>(records.size());
        for (Record record : records) {
            raw.add(of(record));
        }
        return raw;
    }

    public String sequenceNumber() {
        return sequenceNumber;
    }

    public String partitionKey() {
        return partitionKey;
    }

    /** Epoch milliseconds, 0 if the answer gave none. */
    public long arrivalMillis() {
        return arrivalMillis;
    }

    /** The payload itself, not a copy. */
    public byte[] data() {
        return data;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof RawRecord)) {
            return false;
        }
        RawRecord that = (RawRecord) other;
        return arrivalMillis == that.arrivalMillis
                && Objects.equals(sequenceNumber, that.sequenceNumber)
                && Objects.equals(partitionKey, that.partitionKey)
                && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sequenceNumber, partitionKey, arrivalMillis) * 31
                + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "RawRecord(" + sequenceNumber + ", key " + partitionKey + ", " + data.length + " B)";
    }
}
