package io.github.kinesisconsumer.kinesis.aggregation;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A two-record aggregate written out byte by byte from the protobuf schema, so that the encoder and
 * the decoder cannot agree on a mistake.
 */
class KplByteVectorTest {

    private static final byte[] MESSAGE = {
        // partition_key_table[0] = "a"
        0x0A,
        0x01,
        'a',
        // partition_key_table[1] = "b"
        0x0A,
        0x01,
        'b',
        // explicit_hash_key_table[0] = "123"
        0x12,
        0x03,
        '1',
        '2',
        '3',
        // records[0] = {partition_key_index: 0, data: "hi"}
        0x1A,
        0x06,
        0x08,
        0x00,
        0x1A,
        0x02,
        'h',
        'i',
        // records[1] = {partition_key_index: 1, explicit_hash_key_index: 0, data: 00 FF}
        0x1A,
        0x08,
        0x08,
        0x01,
        0x10,
        0x00,
        0x1A,
        0x02,
        0x00,
        (byte) 0xFF,
    };

    private static byte[] aggregate() {
        byte[] digest = Proto.md5(MESSAGE);
        byte[] out = new byte[4 + MESSAGE.length + 16];
        out[0] = (byte) 0xF3;
        out[1] = (byte) 0x89;
        out[2] = (byte) 0x9A;
        out[3] = (byte) 0xC2;
        System.arraycopy(MESSAGE, 0, out, 4, MESSAGE.length);
        System.arraycopy(digest, 0, out, 4 + MESSAGE.length, 16);
        return out;
    }

    @Test
    void decodesLiteralAggregate() {
        List<UserRecord> records = RecordDeaggregator.deaggregate(aggregate(), "outer", null);

        assertThat(records).hasSize(2);
        UserRecord first = records.get(0);
        assertThat(first.partitionKey()).isEqualTo("a");
        assertThat(first.explicitHashKey()).isNull();
        assertThat(first.dataBytes()).isEqualTo("hi".getBytes(StandardCharsets.US_ASCII));
        assertThat(first.subSequenceNumber()).isZero();
        assertThat(first.aggregated()).isTrue();

        UserRecord second = records.get(1);
        assertThat(second.partitionKey()).isEqualTo("b");
        assertThat(second.explicitHashKey()).isEqualTo("123");
        assertThat(second.dataBytes()).containsExactly(0x00, 0xFF);
        assertThat(second.subSequenceNumber()).isEqualTo(1);
        assertThat(second.aggregated()).isTrue();
    }

    @Test
    void encoderProducesLiteralBytes() {
        byte[] encoded =
                new AggregatedRecordEncoder()
                        .add("a", null, "hi".getBytes(StandardCharsets.US_ASCII))
                        .add("b", "123", new byte[] {0x00, (byte) 0xFF})
                        .encode();

        assertThat(encoded).isEqualTo(aggregate());
    }

    @Test
    void literalAggregateIsRecognized() {
        assertThat(RecordDeaggregator.isAggregated(aggregate())).isTrue();
    }
}
