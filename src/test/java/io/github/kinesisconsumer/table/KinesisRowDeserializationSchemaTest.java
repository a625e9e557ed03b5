package io.github.kinesisconsumer.table;

import io.github.kinesisconsumer.kinesis.KinesisRecord;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Physical columns are selected after decoding where needed; metadata follows in asked order. */
class KinesisRowDeserializationSchemaTest {

    /** Decodes "a,b,c" into one row of three strings per line; an empty payload gives none. */
    private static final class Lines implements DeserializationSchema<RowData> {
        @Override
        public RowData deserialize(byte[] message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void deserialize(byte[] message, Collector<RowData> out) {
            String text = new String(message, StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] parts = line.split(",");
                GenericRowData row = new GenericRowData(RowKind.INSERT, parts.length);
                for (int i = 0; i < parts.length; i++) {
                    row.setField(i, StringData.fromString(parts[i]));
                }
                out.collect(row);
            }
        }

        @Override
        public boolean isEndOfStream(RowData nextElement) {
            return false;
        }

        @Override
        public TypeInformation<RowData> getProducedType() {
            return InternalTypeInfo.of(RowType.of(new IntType()));
        }
    }

    private static KinesisRecord record(String payload) {
        byte[] data = payload.getBytes(StandardCharsets.UTF_8);
        return new KinesisRecord(
                "s",
                "shardId-000000000007",
                "pk-1",
                null,
                "4960",
                -1,
                1_700_000_000_123L,
                data,
                0,
                data.length);
    }

    private static List<RowData> run(KinesisRowDeserializationSchema schema, String payload)
            throws Exception {
        List<RowData> out = new ArrayList<>();
        schema.deserialize(
                record(payload),
                new Collector<>() {
                    @Override
                    public void collect(RowData row) {
                        out.add(row);
                    }

                    @Override
                    public void close() {}
                });
        return out;
    }

    @Test
    void selectsColumnsAndAppendsMetadataInTheRequestedOrder() throws Exception {
        KinesisRowDeserializationSchema schema =
                new KinesisRowDeserializationSchema(
                        new Lines(),
                        new int[] {2, 0},
                        new MetadataColumn[] {
                            MetadataColumn.ARRIVAL_TIME,
                            MetadataColumn.SHARD_ID,
                            MetadataColumn.SEQUENCE_NUMBER
                        },
                        new Lines().getProducedType());

        List<RowData> rows = run(schema, "a,b,c\nd,e,f\n");

        assertThat(rows).hasSize(2);
        RowData first = rows.get(0);
        assertThat(first.getArity()).isEqualTo(5);
        assertThat(first.getString(0).toString()).isEqualTo("c");
        assertThat(first.getString(1).toString()).isEqualTo("a");
        assertThat(first.getTimestamp(2, 3))
                .isEqualTo(TimestampData.fromEpochMillis(1_700_000_000_123L));
        assertThat(first.getString(3).toString()).isEqualTo("shardId-000000000007");
        assertThat(first.getString(4).toString()).isEqualTo("4960");
        assertThat(rows.get(1).getString(0).toString()).isEqualTo("f");
        assertThat(rows.get(1).getString(3).toString()).isEqualTo("shardId-000000000007");
        assertThat(run(schema, "")).isEmpty();
    }

    @Test
    void withoutProjectionOrMetadataTheDecodedRowsPassThrough() throws Exception {
        KinesisRowDeserializationSchema schema =
                new KinesisRowDeserializationSchema(
                        new Lines(), null, new MetadataColumn[0], new Lines().getProducedType());
        List<RowData> rows = run(schema, "x,y");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).isInstanceOf(GenericRowData.class);
        assertThat(rows.get(0).getString(1).toString()).isEqualTo("y");
    }
}
