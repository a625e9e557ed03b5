package io.github.kinesisconsumer.source.reader;

import io.github.kinesisconsumer.kinesis.KinesisRecord;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema;
import io.github.kinesisconsumer.source.split.ShardSplit;
import io.github.kinesisconsumer.source.split.ShardSplitState;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.util.Collector;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Records the deserializer cannot read: without skipping, the failure names shard and sequence
 * number and the fix; with skipping, the record is counted and passed over, and the position moves
 * past it so a restore does not read it again.
 *
 * <p>Invalid UTF-8 under Flink's {@link SimpleStringSchema} is not a failure: it decodes with
 * U+FFFD replacement characters, as {@code new String(bytes, UTF_8)} does. We keep that (it is
 * Flink's own schema); a job that must reject such records needs a deserializer that decodes with a
 * reporting {@link java.nio.charset.CharsetDecoder} and throws, and can combine it with skipping.
 */
class KinesisRecordEmitterTest {

    private static final String SHARD = "shardId-000000000004";
    private static final String SEQ = "49590338271490256608559692538361571095921575989136588801";

    private final SimpleCounter skipped = new SimpleCounter();
    private final ShardSplitState state =
            new ShardSplitState(
                    new ShardSplit(
                            SHARD,
                            StartingPosition.trimHorizon(),
                            null,
                            ShardSplit.NO_STOP,
                            false));
    private final Output out = new Output();

    private static KinesisRecord record(byte[] data) {
        return new KinesisRecord(
                "orders", SHARD, "pk", null, SEQ, -1, 1_000L, data, 0, data.length);
    }

    /** Fails on payloads starting with '!'. */
    private static final class Picky implements KinesisDeserializationSchema<String> {
        @Override
        public void deserialize(KinesisRecord record, Collector<String> c) throws IOException {
            String s = record.dataAsString();
            if (s.startsWith("!")) {
                throw new IOException("not JSON: " + s);
            }
            c.collect(s);
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }

    @Test
    void aFailingDeserializerFailsNamingShardSequenceNumberAndTheSkipOption() {
        KinesisRecordEmitter<String> emitter =
                new KinesisRecordEmitter<>(new Picky(), false, skipped);
        assertThatThrownBy(() -> emitter.emitRecord(record(bytes("!x")), out, state))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(
                        "cannot deserialize record "
                                + SEQ
                                + " of shard "
                                + SHARD
                                + " of stream orders")
                .hasMessageContaining("not JSON: !x")
                .hasMessageContaining("set source.skip-undeserializable-records")
                .hasMessageContaining("skipUndeserializableRecords()");
        assertThat(state.lastSequenceNumber()).isNull();
        assertThat(skipped.getCount()).isZero();
    }

    @Test
    void withSkippingABadRecordIsCountedAndThePositionMovesPastIt() throws Exception {
        KinesisRecordEmitter<String> emitter =
                new KinesisRecordEmitter<>(new Picky(), true, skipped);
        emitter.emitRecord(record(bytes("a")), out, state);
        emitter.emitRecord(record(bytes("!bad")), out, state);
        emitter.emitRecord(record(bytes("b")), out, state);
        assertThat(out.values).containsExactly("a", "b");
        assertThat(skipped.getCount()).isEqualTo(1);
        assertThat(state.lastSequenceNumber()).isEqualTo(SEQ);
    }

    @Test
    void emptyAndInvalidUtf8PayloadsDecodeUnderSimpleStringSchema() throws Exception {
        KinesisRecordEmitter<String> emitter =
                new KinesisRecordEmitter<>(
                        KinesisDeserializationSchema.of(new SimpleStringSchema()), false, skipped);
        emitter.emitRecord(record(new byte[0]), out, state);
        emitter.emitRecord(record(new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28}), out, state);
        assertThat(out.values).containsExactly("", "ok\uFFFD(");
        assertThat(out.timestamps).containsOnly(1_000L);
        assertThat(skipped.getCount()).isZero();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static final class Output implements SourceOutput<String> {
        final List<String> values = new ArrayList<>();
        final List<Long> timestamps = new ArrayList<>();

        @Override
        public void collect(String record) {
            collect(record, Long.MIN_VALUE);
        }

        @Override
        public void collect(String record, long timestamp) {
            values.add(record);
            timestamps.add(timestamp);
        }

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    }
}
