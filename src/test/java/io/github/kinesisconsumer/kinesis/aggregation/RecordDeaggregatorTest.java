package io.github.kinesisconsumer.kinesis.aggregation;

import io.github.kinesisconsumer.kinesis.wire.RawRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordDeaggregatorTest {

    private static final String OUTER_KEY = "outer-key";

    private static final class Entry {
        final String partitionKey;
        final String explicitHashKey;
        final byte[] data;

        Entry(String partitionKey, String explicitHashKey, byte[] data) {
            this.partitionKey = partitionKey;
            this.explicitHashKey = explicitHashKey;
            this.data = data;
        }
    }

    private static List<Entry> entries(int n) {
        Random random = new Random(n);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String partitionKey = i % 3 == 2 ? "shared-" + (i % 7) : "key-" + i + "-ü";
            String explicitHashKey = i % 4 == 1 ? String.valueOf(1_000_000_007L * i) : null;
            byte[] data;
            if (i % 10 == 3) {
                data = new byte[0];
            } else if (i == n / 2) {
                data = new byte[100 * 1024];
                random.nextBytes(data);
            } else {
                data = new byte[1 + random.nextInt(300)];
                random.nextBytes(data);
            }
            entries.add(new Entry(partitionKey, explicitHashKey, data));
        }
        return entries;
    }

    private static byte[] encode(List<Entry> entries) {
        AggregatedRecordEncoder encoder = new AggregatedRecordEncoder();
        for (Entry e : entries) {
            encoder.add(e.partitionKey, e.explicitHashKey, e.data);
        }
        byte[] encoded = encoder.encode();
        assertThat(encoder.encodedSize()).isEqualTo(encoded.length);
        assertThat(encoder.size()).isEqualTo(entries.size());
        return encoded;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 500})
    void roundTrip(int n) {
        List<Entry> entries = entries(n);
        byte[] aggregate = encode(entries);

        assertThat(RecordDeaggregator.isAggregated(aggregate)).isTrue();
        List<UserRecord> records = RecordDeaggregator.deaggregate(aggregate, OUTER_KEY, "999");

        assertThat(records).hasSize(n);
        for (int i = 0; i < n; i++) {
            Entry expected = entries.get(i);
            UserRecord actual = records.get(i);
            assertThat(actual.partitionKey())
                    .as("partition key %d", i)
                    .isEqualTo(expected.partitionKey);
            assertThat(actual.explicitHashKey())
                    .as("explicit hash key %d", i)
                    .isEqualTo(expected.explicitHashKey);
            assertThat(actual.dataBytes()).as("data %d", i).isEqualTo(expected.data);
            assertThat(actual.dataLength()).isEqualTo(expected.data.length);
            assertThat(actual.subSequenceNumber()).isEqualTo(i);
            assertThat(actual.aggregated()).isTrue();
        }
    }

    @Test
    void roundTripCoversLargePayloadsAndSharedKeys() {
        List<Entry> entries = entries(500);
        assertThat(entries.stream().mapToInt(e -> e.data.length).max().getAsInt())
                .isEqualTo(100 * 1024);
        assertThat(entries.stream().filter(e -> e.data.length == 0)).isNotEmpty();
        assertThat(entries.stream().map(e -> e.partitionKey).distinct().count()).isLessThan(500);

        List<UserRecord> records = RecordDeaggregator.deaggregate(encode(entries), OUTER_KEY, null);
        UserRecord large = records.get(250);
        assertThat(large.dataLength()).isEqualTo(100 * 1024);
        assertThat(large.dataBytes()).isEqualTo(entries.get(250).data);
    }

    @Test
    void userRecordDataIsAReadOnlyViewWithoutCopy() {
        byte[] aggregate =
                new AggregatedRecordEncoder()
                        .add("a", null, new byte[] {1, 2, 3})
                        .add("b", null, new byte[] {4, 5})
                        .encode();
        UserRecord second = RecordDeaggregator.deaggregate(aggregate, OUTER_KEY, null).get(1);

        ByteBuffer view = second.data();
        assertThat(view.isReadOnly()).isTrue();
        assertThat(view.position()).isZero();
        assertThat(view.remaining()).isEqualTo(2);
        assertThat(view.get()).isEqualTo((byte) 4);
        assertThat(second.data().position()).as("views are independent").isZero();
        assertThatThrownBy(() -> view.put(0, (byte) 9)).isInstanceOf(ReadOnlyBufferException.class);

        int offset = indexOf(aggregate, new byte[] {4, 5});
        aggregate[offset] = 42;
        assertThat(second.data().get(0)).as("the view is backed by the input").isEqualTo((byte) 42);
    }

    @Test
    void plainRecordSharesTheInputArray() {
        byte[] json = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        UserRecord record = RecordDeaggregator.deaggregate(json, OUTER_KEY, null).get(0);
        assertThat(record.dataBytes()).isSameAs(json);
    }

    private static byte[][] nonAggregates() {
        return new byte[][] {
            "{\"event\":\"click\",\"id\":42}".getBytes(StandardCharsets.UTF_8),
            new byte[0],
            new byte[] {(byte) 0xF3, (byte) 0x89},
            new byte[] {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2},
            Arrays.copyOf(Proto.MAGIC, 19),
            Arrays.copyOf(new byte[] {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC3}, 64),
            new byte[19],
        };
    }

    @Test
    void nonAggregatedDataPassesThrough() {
        for (byte[] data : nonAggregates()) {
            List<UserRecord> records = RecordDeaggregator.deaggregate(data, OUTER_KEY, "77");

            assertThat(records).as("%s", Arrays.toString(data)).hasSize(1);
            assertPlain(records.get(0), data, "77");
        }
    }

    @Test
    void isAggregatedChecksMagicAndLength() {
        for (byte[] data : nonAggregates()) {
            assertThat(RecordDeaggregator.isAggregated(data)).as(Arrays.toString(data)).isFalse();
        }
        assertThat(RecordDeaggregator.isAggregated(Arrays.copyOf(Proto.MAGIC, 20))).isTrue();
    }

    @Test
    void emptyAggregateHasNoUserRecords() {
        byte[] empty = Proto.frame(new byte[0]);
        assertThat(empty).hasSize(20);
        assertThat(RecordDeaggregator.deaggregate(empty, OUTER_KEY, null)).isEmpty();
        assertThat(new AggregatedRecordEncoder().encode()).isEqualTo(empty);
    }

    @Test
    void digestMismatchPassesThroughWholeRecord() {
        byte[] aggregate = encode(entries(3));
        for (int i :
                new int[] {4, aggregate.length / 2, aggregate.length - 17, aggregate.length - 1}) {
            byte[] corrupted = aggregate.clone();
            corrupted[i] ^= 0x01;

            List<UserRecord> records = RecordDeaggregator.deaggregate(corrupted, OUTER_KEY, null);

            assertThat(records).as("flipped byte %d", i).hasSize(1);
            assertPlain(records.get(0), corrupted, null);
        }
    }

    private static byte[][] garbageMessages() {
        Proto validRecord = new Proto().varintField(1, 0).bytesField(3, new byte[] {1});
        return new byte[][] {
            // truncated varint in a tag
            new Proto().raw(0x80).bytes(),
            // truncated varint inside a record
            new Proto()
                    .stringField(1, "k")
                    .messageField(3, new Proto().tag(1, 0).raw(0xFF, 0xFF))
                    .bytes(),
            // varint longer than 10 bytes
            new Proto()
                    .tag(15, 0)
                    .raw(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01)
                    .bytes(),
            // length beyond the end
            new Proto().tag(1, 2).varint(50).raw('a', 'b').bytes(),
            // record length beyond the end
            new Proto().stringField(1, "k").tag(3, 2).varint(1000).raw(0x08, 0x00).bytes(),
            // data length beyond the record's end
            new Proto()
                    .stringField(1, "k")
                    .messageField(3, new Proto().varintField(1, 0).tag(3, 2).varint(5).raw(1, 2))
                    .bytesField(15, new byte[] {3, 4, 5, 6})
                    .bytes(),
            // partition_key_index out of range
            new Proto()
                    .stringField(1, "k")
                    .messageField(3, new Proto().varintField(1, 1).bytesField(3, new byte[] {1}))
                    .bytes(),
            // partition_key_index with the top bit set (negative as a signed long)
            new Proto()
                    .stringField(1, "k")
                    .messageField(
                            3,
                            new Proto()
                                    .varintField(1, Long.MIN_VALUE)
                                    .bytesField(3, new byte[] {1}))
                    .bytes(),
            // partition_key_index with no partition key table
            new Proto().messageField(3, validRecord).bytes(),
            // explicit_hash_key_index out of range
            new Proto()
                    .stringField(1, "k")
                    .stringField(2, "1")
                    .messageField(
                            3,
                            new Proto()
                                    .varintField(1, 0)
                                    .varintField(2, 1)
                                    .bytesField(3, new byte[] {1}))
                    .bytes(),
            // missing partition_key_index
            new Proto()
                    .stringField(1, "k")
                    .messageField(3, new Proto().bytesField(3, new byte[] {1}))
                    .bytes(),
            // missing data
            new Proto().stringField(1, "k").messageField(3, new Proto().varintField(1, 0)).bytes(),
            // start group wire type at the top level
            new Proto()
                    .stringField(1, "k")
                    .messageField(3, validRecord)
                    .tag(9, 3)
                    .tag(9, 4)
                    .bytes(),
            // end group wire type inside a record
            new Proto()
                    .stringField(1, "k")
                    .messageField(
                            3,
                            new Proto().varintField(1, 0).tag(7, 4).bytesField(3, new byte[] {1}))
                    .bytes(),
            // invalid wire type 6
            new Proto().stringField(1, "k").messageField(3, validRecord).tag(9, 6).bytes(),
            // field number 0
            new Proto().stringField(1, "k").messageField(3, validRecord).raw(0x00).bytes(),
            // truncated fixed64 / fixed32
            new Proto()
                    .stringField(1, "k")
                    .messageField(3, validRecord)
                    .tag(9, 1)
                    .raw(1, 2, 3)
                    .bytes(),
            new Proto()
                    .stringField(1, "k")
                    .messageField(3, validRecord)
                    .tag(9, 5)
                    .raw(1, 2, 3)
                    .bytes(),
            // known fields with the wrong wire type
            new Proto().tag(1, 0).varint(3).messageField(3, validRecord).bytes(),
            new Proto()
                    .stringField(1, "k")
                    .messageField(3, new Proto().tag(1, 2).varint(0).bytesField(3, new byte[] {1}))
                    .bytes(),
            new Proto()
                    .stringField(1, "k")
                    .messageField(3, new Proto().varintField(1, 0).varintField(3, 1))
                    .bytes(),
        };
    }

    @Test
    void validDigestOverGarbageMessagePassesThrough() {
        byte[][] garbage = garbageMessages();
        for (int i = 0; i < garbage.length; i++) {
            byte[] framed = Proto.frame(garbage[i]);

            List<UserRecord> records = RecordDeaggregator.deaggregate(framed, OUTER_KEY, null);

            assertThat(records).as("garbage message %d", i).hasSize(1);
            assertPlain(records.get(0), framed, null);
        }
    }

    @Test
    void garbageTestsAreNotVacuous() {
        byte[] good =
                Proto.frame(
                        new Proto()
                                .stringField(1, "k")
                                .messageField(
                                        3,
                                        new Proto().varintField(1, 0).bytesField(3, new byte[] {1}))
                                .bytes());
        assertThat(RecordDeaggregator.deaggregate(good, OUTER_KEY, null))
                .singleElement()
                .satisfies(r -> assertThat(r.aggregated()).isTrue());
    }

    @Test
    void unknownFieldsAreSkipped() {
        byte[] message =
                new Proto()
                        .varintField(15, 123456789L)
                        .stringField(1, "k0")
                        .fixed32Field(16, 0xDEADBEEF)
                        .messageField(
                                3,
                                new Proto()
                                        .fixed64Field(9, -1L)
                                        .varintField(1, 1)
                                        .messageField(
                                                4,
                                                new Proto()
                                                        .stringField(1, "tag")
                                                        .stringField(2, "v"))
                                        .bytesField(3, new byte[] {10, 11})
                                        .varintField(15, Long.MIN_VALUE)
                                        .fixed32Field(12, 7)
                                        .messageField(4, new Proto().stringField(1, "only-key")))
                        .fixed64Field(17, 0x0102030405060708L)
                        .stringField(1, "k1")
                        .bytesField(20, new byte[] {(byte) 0xF3, 0, 0x0A})
                        .stringField(2, "42")
                        .messageField(
                                3,
                                new Proto()
                                        .bytesField(3, new byte[] {12})
                                        .varintField(2, 0)
                                        .varintField(1, 0)
                                        .bytesField(99, new byte[300]))
                        .varintField(536_870_911, 1)
                        .bytes();

        List<UserRecord> records =
                RecordDeaggregator.deaggregate(Proto.frame(message), OUTER_KEY, null);

        assertThat(records).hasSize(2);
        assertThat(records.get(0).partitionKey()).isEqualTo("k1");
        assertThat(records.get(0).explicitHashKey()).isNull();
        assertThat(records.get(0).dataBytes()).containsExactly(10, 11);
        assertThat(records.get(0).subSequenceNumber()).isZero();
        assertThat(records.get(1).partitionKey()).isEqualTo("k0");
        assertThat(records.get(1).explicitHashKey()).isEqualTo("42");
        assertThat(records.get(1).dataBytes()).containsExactly(12);
        assertThat(records.get(1).subSequenceNumber()).isEqualTo(1);
    }

    @Test
    void deaggregatesSdkRecord() {
        byte[] aggregate =
                new AggregatedRecordEncoder()
                        .add("p1", null, new byte[] {1})
                        .add("p2", "5", new byte[] {2})
                        .encode();
        Record record =
                Record.builder()
                        .partitionKey("p1")
                        .sequenceNumber("4960000000000000000000000000000000001")
                        .data(SdkBytes.fromByteArrayUnsafe(aggregate))
                        .build();

        List<UserRecord> records = RecordDeaggregator.deaggregate(RawRecord.of(record));

        assertThat(records).extracting(UserRecord::partitionKey).containsExactly("p1", "p2");
        assertThat(records).extracting(UserRecord::explicitHashKey).containsExactly(null, "5");
        assertThat(records).extracting(UserRecord::subSequenceNumber).containsExactly(0L, 1L);

        byte[] plain = "plain".getBytes(StandardCharsets.UTF_8);
        Record plainRecord =
                Record.builder()
                        .partitionKey("pk")
                        .sequenceNumber("1")
                        .data(SdkBytes.fromByteArray(plain))
                        .build();
        assertThat(RecordDeaggregator.deaggregate(RawRecord.of(plainRecord)))
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.partitionKey()).isEqualTo("pk");
                            assertThat(r.explicitHashKey()).isNull();
                            assertThat(r.dataBytes()).isEqualTo(plain);
                            assertThat(r.aggregated()).isFalse();
                        });
    }

    @Test
    void resultListsAreUnmodifiable() {
        byte[] aggregate = new AggregatedRecordEncoder().add("a", null, new byte[1]).encode();
        List<UserRecord> records = RecordDeaggregator.deaggregate(aggregate, OUTER_KEY, null);
        assertThatThrownBy(records::clear).isInstanceOf(UnsupportedOperationException.class);
        List<UserRecord> plain = RecordDeaggregator.deaggregate(new byte[1], OUTER_KEY, null);
        assertThatThrownBy(plain::clear).isInstanceOf(UnsupportedOperationException.class);
    }

    private static void assertPlain(UserRecord record, byte[] data, String explicitHashKey) {
        assertThat(record.partitionKey()).isEqualTo(OUTER_KEY);
        assertThat(record.explicitHashKey()).isEqualTo(explicitHashKey);
        assertThat(record.dataBytes()).isEqualTo(data);
        assertThat(record.dataLength()).isEqualTo(data.length);
        assertThat(record.subSequenceNumber()).isZero();
        assertThat(record.aggregated()).isFalse();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
