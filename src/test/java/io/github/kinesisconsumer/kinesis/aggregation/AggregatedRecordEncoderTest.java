package io.github.kinesisconsumer.kinesis.aggregation;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AggregatedRecordEncoderTest {

    @Test
    void storesEachKeyOnceInOrderOfFirstUse() {
        byte[] encoded =
                new AggregatedRecordEncoder()
                        .add("x", "7", new byte[] {1})
                        .add("y", null, new byte[] {2})
                        .add("x", "7", new byte[] {3})
                        .encode();
        byte[] message = Arrays.copyOfRange(encoded, 4, encoded.length - 16);

        byte[] expected =
                new Proto()
                        .stringField(1, "x")
                        .stringField(1, "y")
                        .stringField(2, "7")
                        .messageField(
                                3,
                                new Proto()
                                        .varintField(1, 0)
                                        .varintField(2, 0)
                                        .bytesField(3, new byte[] {1}))
                        .messageField(
                                3, new Proto().varintField(1, 1).bytesField(3, new byte[] {2}))
                        .messageField(
                                3,
                                new Proto()
                                        .varintField(1, 0)
                                        .varintField(2, 0)
                                        .bytesField(3, new byte[] {3}))
                        .bytes();
        assertThat(message).isEqualTo(expected);
        assertThat(encoded).isEqualTo(Proto.frame(expected));
    }

    @Test
    void encodedSizeIsExactAcrossVarintBoundaries() {
        AggregatedRecordEncoder encoder = new AggregatedRecordEncoder();
        for (int i = 0; i < 300; i++) {
            encoder.add("key-" + i, i % 2 == 0 ? "h" + i : null, new byte[i * 3]);
            assertThat(encoder.encode()).hasSize(encoder.encodedSize());
        }
        List<UserRecord> records = RecordDeaggregator.deaggregate(encoder.encode(), "outer", null);
        assertThat(records).hasSize(300);
        assertThat(records.get(299).partitionKey()).isEqualTo("key-299");
        assertThat(records.get(298).explicitHashKey()).isEqualTo("h298");
        assertThat(records.get(299).dataLength()).isEqualTo(897);
    }

    @Test
    void clearStartsANewAggregate() {
        AggregatedRecordEncoder encoder = new AggregatedRecordEncoder();
        encoder.add("old", "1", new byte[] {9});
        encoder.clear();
        assertThat(encoder.size()).isZero();
        assertThat(encoder.encodedSize()).isEqualTo(20);

        byte[] encoded = encoder.add("new", null, new byte[] {8}).encode();

        assertThat(RecordDeaggregator.deaggregate(encoded, "outer", null))
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.partitionKey()).isEqualTo("new");
                            assertThat(r.explicitHashKey()).isNull();
                            assertThat(r.dataBytes()).containsExactly(8);
                        });
    }

    @Test
    void rejectsNullKeyAndData() {
        AggregatedRecordEncoder encoder = new AggregatedRecordEncoder();
        assertThatThrownBy(() -> encoder.add(null, null, new byte[0]))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> encoder.add("k", null, null))
                .isInstanceOf(NullPointerException.class);
        assertThat(encoder.size()).isZero();
    }
}
