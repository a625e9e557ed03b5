package io.github.kinesisconsumer.kinesis.aggregation;

import io.github.kinesisconsumer.annotation.Internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static io.github.kinesisconsumer.kinesis.aggregation.KplFormat.AGGREGATE_EXPLICIT_HASH_KEY_TABLE;
import static io.github.kinesisconsumer.kinesis.aggregation.KplFormat.AGGREGATE_PARTITION_KEY_TABLE;
import static io.github.kinesisconsumer.kinesis.aggregation.KplFormat.AGGREGATE_RECORDS;
import static io.github.kinesisconsumer.kinesis.aggregation.KplFormat.DIGEST_LENGTH;
import static io.github.kinesisconsumer.kinesis.aggregation.KplFormat.MAGIC;
import static io.github.kinesisconsumer.kinesis.aggregation.KplFormat.OVERHEAD;
import static io.github.kinesisconsumer.kinesis.aggregation.KplFormat.RECORD_DATA;
import static io.github.kinesisconsumer.kinesis.aggregation.KplFormat.RECORD_EXPLICIT_HASH_KEY_INDEX;
import static io.github.kinesisconsumer.kinesis.aggregation.KplFormat.RECORD_PARTITION_KEY_INDEX;
import static io.github.kinesisconsumer.kinesis.aggregation.KplFormat.WIRE_LENGTH_DELIMITED;
import static io.github.kinesisconsumer.kinesis.aggregation.KplFormat.WIRE_VARINT;

/**
 * Builds KPL aggregated records, the format {@link RecordDeaggregator} reads: magic bytes, the
 * protobuf {@code AggregatedRecord} message and its MD5 digest. Partition keys and explicit hash
 * keys are stored once each in the message's tables, in order of first use.
 *
 * <p>Meant for tests, benchmarks and simple producers. The result is the data of one Kinesis
 * record; the caller picks that record's partition key (the KPL uses the first user record's). The
 * encoder does not enforce Kinesis limits such as 1 MiB per record; check {@link #encodedSize()}.
 * Not thread-safe.
 *
 * <pre>{@code
 * byte[] data = new AggregatedRecordEncoder()
 *         .add("user-1", null, payload1)
 *         .add("user-2", "170141183460469231731687303715884105728", payload2)
 *         .encode();
 * }</pre>
 */
@Internal
public final class AggregatedRecordEncoder {

    private final Map<String, Integer> partitionKeyIndex = new HashMap<>();
    private final List<byte[]> partitionKeys = new ArrayList<>();
    private final Map<String, Integer> explicitHashKeyIndex = new HashMap<>();
    private final List<byte[]> explicitHashKeys = new ArrayList<>();
    private final List<Entry> entries = new ArrayList<>();
    private long messageSize;

    /** Creates an empty encoder. */
    public AggregatedRecordEncoder() {}

    /**
     * Appends a user record. {@code data} is not copied, so it must not change before {@link
     * #encode()}.
     *
     * @param partitionKey the user record's partition key, not null
     * @param explicitHashKey the user record's explicit hash key, or null for none
     * @param data the user record's payload, not null (may be empty)
     * @return this encoder
     * @throws IllegalStateException if the aggregate would exceed 2 GiB
     */
    public AggregatedRecordEncoder add(String partitionKey, String explicitHashKey, byte[] data) {
        Objects.requireNonNull(partitionKey, "partitionKey");
        Objects.requireNonNull(data, "data");
        long added = 0;
        Integer pk = partitionKeyIndex.get(partitionKey);
        byte[] newPartitionKey = null;
        if (pk == null) {
            pk = partitionKeys.size();
            newPartitionKey = partitionKey.getBytes(StandardCharsets.UTF_8);
            added += fieldSize(newPartitionKey.length);
        }
        int ehk = -1;
        byte[] newExplicitHashKey = null;
        if (explicitHashKey != null) {
            Integer existing = explicitHashKeyIndex.get(explicitHashKey);
            if (existing == null) {
                ehk = explicitHashKeys.size();
                newExplicitHashKey = explicitHashKey.getBytes(StandardCharsets.UTF_8);
                added += fieldSize(newExplicitHashKey.length);
            } else {
                ehk = existing;
            }
        }
        Entry entry = new Entry(pk, ehk, data);
        added += fieldSize(entry.bodySize);
        if (OVERHEAD + messageSize + added > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("aggregate would exceed the maximum array size");
        }
        if (newPartitionKey != null) {
            partitionKeyIndex.put(partitionKey, pk);
            partitionKeys.add(newPartitionKey);
        }
        if (newExplicitHashKey != null) {
            explicitHashKeyIndex.put(explicitHashKey, ehk);
            explicitHashKeys.add(newExplicitHashKey);
        }
        entries.add(entry);
        messageSize += added;
        return this;
    }

    /** The number of user records added so far. */
    public int size() {
        return entries.size();
    }

    /** The exact length in bytes of what {@link #encode()} would return now. */
    public int encodedSize() {
        return (int) (OVERHEAD + messageSize);
    }

    /** Encodes the user records added so far into the data of one Kinesis record. */
    public byte[] encode() {
        byte[] out = new byte[encodedSize()];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        int pos = MAGIC.length;
        for (byte[] key : partitionKeys) {
            pos = writeBytesField(out, pos, AGGREGATE_PARTITION_KEY_TABLE, key);
        }
        for (byte[] key : explicitHashKeys) {
            pos = writeBytesField(out, pos, AGGREGATE_EXPLICIT_HASH_KEY_TABLE, key);
        }
        for (Entry entry : entries) {
            pos = writeTag(out, pos, AGGREGATE_RECORDS, WIRE_LENGTH_DELIMITED);
            pos = writeVarint(out, pos, entry.bodySize);
            pos = writeTag(out, pos, RECORD_PARTITION_KEY_INDEX, WIRE_VARINT);
            pos = writeVarint(out, pos, entry.partitionKeyIndex);
            if (entry.explicitHashKeyIndex >= 0) {
                pos = writeTag(out, pos, RECORD_EXPLICIT_HASH_KEY_INDEX, WIRE_VARINT);
                pos = writeVarint(out, pos, entry.explicitHashKeyIndex);
            }
            pos = writeBytesField(out, pos, RECORD_DATA, entry.data);
        }
        byte[] digest = KplFormat.md5(out, MAGIC.length, pos - MAGIC.length);
        System.arraycopy(digest, 0, out, pos, DIGEST_LENGTH);
        return out;
    }

    /** Removes all user records and keys, so the encoder can build the next aggregate. */
    public void clear() {
        partitionKeyIndex.clear();
        partitionKeys.clear();
        explicitHashKeyIndex.clear();
        explicitHashKeys.clear();
        entries.clear();
        messageSize = 0;
    }

    private static long fieldSize(long valueLength) {
        return 1 + varintSize(valueLength) + valueLength;
    }

    private static int varintSize(long value) {
        int size = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    private static int writeTag(byte[] out, int pos, int field, int wireType) {
        return writeVarint(out, pos, (field << 3) | wireType);
    }

    private static int writeBytesField(byte[] out, int pos, int field, byte[] value) {
        pos = writeTag(out, pos, field, WIRE_LENGTH_DELIMITED);
        pos = writeVarint(out, pos, value.length);
        System.arraycopy(value, 0, out, pos, value.length);
        return pos + value.length;
    }

    private static int writeVarint(byte[] out, int pos, long value) {
        while ((value & ~0x7FL) != 0) {
            out[pos++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[pos++] = (byte) value;
        return pos;
    }

    private static final class Entry {
        final int partitionKeyIndex;
        final int explicitHashKeyIndex;
        final byte[] data;
        final long bodySize;

        Entry(int partitionKeyIndex, int explicitHashKeyIndex, byte[] data) {
            this.partitionKeyIndex = partitionKeyIndex;
            this.explicitHashKeyIndex = explicitHashKeyIndex;
            this.data = data;
            this.bodySize =
                    1
                            + varintSize(partitionKeyIndex)
                            + (explicitHashKeyIndex >= 0 ? 1 + varintSize(explicitHashKeyIndex) : 0)
                            + fieldSize(data.length);
        }
    }
}
