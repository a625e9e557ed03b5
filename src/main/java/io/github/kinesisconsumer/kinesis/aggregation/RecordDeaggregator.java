package io.github.kinesisconsumer.kinesis.aggregation;

import io.github.kinesisconsumer.annotation.Internal;
import io.github.kinesisconsumer.kinesis.wire.RawRecord;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
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
 * Splits KPL aggregated Kinesis records into their user records.
 *
 * <p>A record is treated as an aggregate only when it starts with the KPL magic bytes, is long
 * enough, its MD5 digest matches and its protobuf message decodes with every table index in range.
 * Anything else comes back unchanged as a single plain {@link UserRecord} (the whole data, the
 * outer partition and explicit hash keys, sub-sequence number 0, {@link UserRecord#aggregated()}
 * false). A record that carries the magic bytes but fails the digest or decoding is logged at WARN,
 * as it is most likely a corrupted aggregate. Nothing here throws on bad input.
 *
 * <p>Payloads are never copied: each user record points into the input array. Thread-safe.
 */
@Internal
public final class RecordDeaggregator {

    private static final Logger LOG = LoggerFactory.getLogger(RecordDeaggregator.class);

    private RecordDeaggregator() {}

    /**
     * Whether {@code data} looks like a KPL aggregate: it starts with the magic bytes and is long
     * enough to hold the digest. This is a cheap check; the digest and the message are verified
     * only by {@link #deaggregate(byte[], String, String)}.
     */
    public static boolean isAggregated(byte[] data) {
        return data.length >= OVERHEAD && KplFormat.startsWithMagic(data);
    }

    /**
     * De-aggregates a record returned by {@code GetRecords} or {@code SubscribeToShard}. Its data
     * is read without a copy, so it must not be modified while the user records are in use.
     *
     * @return the user records in order, or the record itself as one plain user record; empty only
     *     for a valid aggregate that holds no records
     */
    public static List<UserRecord> deaggregate(RawRecord record) {
        return deaggregate(record.data(), record.partitionKey(), null, record.sequenceNumber());
    }

    /**
     * De-aggregates the data of one Kinesis record. {@code data} is not copied, so it must not be
     * modified while the user records are in use.
     *
     * @param data the Kinesis record's data
     * @param outerPartitionKey the Kinesis record's partition key, used for a plain record; not
     *     null
     * @param outerExplicitHashKey the explicit hash key to give a plain record, or null
     * @return the user records in order (sub-sequence numbers 0, 1, 2, ...), or the data as one
     *     plain user record; empty only for a valid aggregate that holds no records. The list is
     *     unmodifiable.
     */
    public static List<UserRecord> deaggregate(
            byte[] data, String outerPartitionKey, String outerExplicitHashKey) {
        return deaggregate(data, outerPartitionKey, outerExplicitHashKey, null);
    }

    private static List<UserRecord> deaggregate(
            byte[] data,
            String outerPartitionKey,
            String outerExplicitHashKey,
            String sequenceNumber) {
        Objects.requireNonNull(data, "data");
        if (!KplFormat.startsWithMagic(data)) {
            return plain(data, outerPartitionKey, outerExplicitHashKey);
        }
        if (data.length < OVERHEAD) {
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "{} starts with the KPL magic bytes but is too short to be an aggregate;"
                                + " passing it through as one record",
                        describe(data, outerPartitionKey, sequenceNumber));
            }
            return plain(data, outerPartitionKey, outerExplicitHashKey);
        }
        int messageStart = MAGIC.length;
        int messageEnd = data.length - DIGEST_LENGTH;
        byte[] digest = KplFormat.md5(data, messageStart, messageEnd - messageStart);
        if (!Arrays.equals(digest, 0, DIGEST_LENGTH, data, messageEnd, data.length)) {
            LOG.warn(
                    "{} starts with the KPL magic bytes but its MD5 digest does not match;"
                            + " passing it through as one record",
                    describe(data, outerPartitionKey, sequenceNumber));
            return plain(data, outerPartitionKey, outerExplicitHashKey);
        }
        try {
            return decode(data, messageStart, messageEnd);
        } catch (MalformedAggregateException e) {
            LOG.warn(
                    "{} has a valid KPL digest but its message cannot be decoded ({});"
                            + " passing it through as one record",
                    describe(data, outerPartitionKey, sequenceNumber),
                    e.getMessage());
            return plain(data, outerPartitionKey, outerExplicitHashKey);
        }
    }

    private static List<UserRecord> plain(
            byte[] data, String outerPartitionKey, String outerExplicitHashKey) {
        return Collections.singletonList(
                UserRecord.plain(outerPartitionKey, outerExplicitHashKey, data));
    }

    private static List<UserRecord> decode(byte[] data, int start, int end)
            throws MalformedAggregateException {
        WireReader reader = new WireReader(data, start, end);
        List<String> partitionKeys = new ArrayList<>();
        List<String> explicitHashKeys = new ArrayList<>(0);
        int[] spans = new int[32];
        int count = 0;
        while (reader.hasRemaining()) {
            int tag = reader.readTag();
            int wireType = tag & 7;
            switch (tag >>> 3) {
                case AGGREGATE_PARTITION_KEY_TABLE:
                    expectWireType(wireType, WIRE_LENGTH_DELIMITED, "partition_key_table");
                    partitionKeys.add(reader.readString());
                    break;
                case AGGREGATE_EXPLICIT_HASH_KEY_TABLE:
                    expectWireType(wireType, WIRE_LENGTH_DELIMITED, "explicit_hash_key_table");
                    explicitHashKeys.add(reader.readString());
                    break;
                case AGGREGATE_RECORDS:
                    expectWireType(wireType, WIRE_LENGTH_DELIMITED, "records");
                    int length = reader.readLength();
                    if (2 * count + 2 > spans.length) {
                        spans = Arrays.copyOf(spans, spans.length * 2);
                    }
                    spans[2 * count] = reader.position();
                    spans[2 * count + 1] = length;
                    count++;
                    reader.advance(length);
                    break;
                default:
                    reader.skip(wireType);
            }
        }
        List<UserRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int recordStart = spans[2 * i];
            reader.reset(recordStart, recordStart + spans[2 * i + 1]);
            records.add(decodeRecord(reader, data, partitionKeys, explicitHashKeys, i));
        }
        return Collections.unmodifiableList(records);
    }

    private static UserRecord decodeRecord(
            WireReader reader,
            byte[] data,
            List<String> partitionKeys,
            List<String> explicitHashKeys,
            int subSequenceNumber)
            throws MalformedAggregateException {
        long partitionKeyIndex = -1;
        boolean hasPartitionKeyIndex = false;
        long explicitHashKeyIndex = -1;
        boolean hasExplicitHashKeyIndex = false;
        int dataOffset = -1;
        int dataLength = 0;
        while (reader.hasRemaining()) {
            int tag = reader.readTag();
            int wireType = tag & 7;
            switch (tag >>> 3) {
                case RECORD_PARTITION_KEY_INDEX:
                    expectWireType(wireType, WIRE_VARINT, "partition_key_index");
                    partitionKeyIndex = reader.readVarint();
                    hasPartitionKeyIndex = true;
                    break;
                case RECORD_EXPLICIT_HASH_KEY_INDEX:
                    expectWireType(wireType, WIRE_VARINT, "explicit_hash_key_index");
                    explicitHashKeyIndex = reader.readVarint();
                    hasExplicitHashKeyIndex = true;
                    break;
                case RECORD_DATA:
                    expectWireType(wireType, WIRE_LENGTH_DELIMITED, "data");
                    dataLength = reader.readLength();
                    dataOffset = reader.position();
                    reader.advance(dataLength);
                    break;
                default:
                    reader.skip(wireType);
            }
        }
        if (!hasPartitionKeyIndex) {
            throw new MalformedAggregateException(
                    "record " + subSequenceNumber + " has no partition_key_index");
        }
        if (dataOffset < 0) {
            throw new MalformedAggregateException("record " + subSequenceNumber + " has no data");
        }
        String partitionKey =
                lookup(partitionKeys, partitionKeyIndex, "partition_key_index", subSequenceNumber);
        String explicitHashKey =
                hasExplicitHashKeyIndex
                        ? lookup(
                                explicitHashKeys,
                                explicitHashKeyIndex,
                                "explicit_hash_key_index",
                                subSequenceNumber)
                        : null;
        return new UserRecord(
                partitionKey,
                explicitHashKey,
                data,
                dataOffset,
                dataLength,
                subSequenceNumber,
                true);
    }

    private static String lookup(List<String> table, long index, String field, int record)
            throws MalformedAggregateException {
        if (index < 0 || index >= table.size()) {
            throw new MalformedAggregateException(
                    "record "
                            + record
                            + " has "
                            + field
                            + " "
                            + Long.toUnsignedString(index)
                            + " but the table has "
                            + table.size()
                            + " entries");
        }
        return table.get((int) index);
    }

    private static void expectWireType(int actual, int expected, String field)
            throws MalformedAggregateException {
        if (actual != expected) {
            throw new MalformedAggregateException(
                    "field " + field + " has wire type " + actual + ", expected " + expected);
        }
    }

    private static String describe(byte[] data, String partitionKey, String sequenceNumber) {
        return "Kinesis record "
                + (sequenceNumber == null ? "" : sequenceNumber + " ")
                + "(partition key "
                + partitionKey
                + ", "
                + data.length
                + " bytes)";
    }
}
