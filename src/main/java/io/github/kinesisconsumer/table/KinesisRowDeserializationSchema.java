package io.github.kinesisconsumer.table;

import io.github.kinesisconsumer.kinesis.KinesisRecord;
import io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.utils.JoinedRowData;
import org.apache.flink.table.data.utils.ProjectedRowData;
import org.apache.flink.util.Collector;

import javax.annotation.Nullable;

import java.io.IOException;
import java.util.Objects;

/**
 * Decodes a record's payload into rows with a Flink format and appends the requested metadata
 * columns, in the order the planner asked for them.
 *
 * <p>When the format cannot project, it decodes all physical columns and {@code physicalFields}
 * selects the ones the query needs.
 */
final class KinesisRowDeserializationSchema implements KinesisDeserializationSchema<RowData> {

    private static final long serialVersionUID = 1L;

    private final DeserializationSchema<RowData> payloadSchema;
    @Nullable private final int[] physicalFields;
    private final MetadataColumn[] metadata;
    private final TypeInformation<RowData> producedType;

    private transient RowAppender appender;

    /**
     * @param payloadSchema the format's decoder
     * @param physicalFields the decoded columns to keep, in order; null keeps them all
     * @param metadata the metadata columns to append
     * @param producedType the type of the produced rows
     */
    public KinesisRowDeserializationSchema(
            DeserializationSchema<RowData> payloadSchema,
            @Nullable int[] physicalFields,
            MetadataColumn[] metadata,
            TypeInformation<RowData> producedType) {
        this.payloadSchema = Objects.requireNonNull(payloadSchema, "payloadSchema");
        this.physicalFields = physicalFields == null ? null : physicalFields.clone();
        this.metadata = metadata.clone();
        this.producedType = Objects.requireNonNull(producedType, "producedType");
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        payloadSchema.open(context);
        appender = new RowAppender();
    }

    @Override
    public void deserialize(KinesisRecord record, Collector<RowData> out) throws IOException {
        if (physicalFields == null && metadata.length == 0) {
            payloadSchema.deserialize(record.data(), out);
            return;
        }
        if (appender == null) {
            appender = new RowAppender();
        }
        appender.record = record;
        appender.metadataRow = null;
        appender.out = out;
        try {
            payloadSchema.deserialize(record.data(), appender);
        } finally {
            appender.record = null;
            appender.out = null;
        }
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return producedType;
    }

    /** Selects the physical columns of each decoded row and appends the record's metadata. */
    private final class RowAppender implements Collector<RowData> {
        private KinesisRecord record;
        private GenericRowData metadataRow;
        private Collector<RowData> out;

        @Override
        public void collect(RowData decoded) {
            RowData physical =
                    physicalFields == null
                            ? decoded
                            : ProjectedRowData.from(physicalFields).replaceRow(decoded);
            if (metadata.length == 0) {
                out.collect(physical);
                return;
            }
            if (metadataRow == null) {
                metadataRow = new GenericRowData(metadata.length);
                for (int i = 0; i < metadata.length; i++) {
                    metadataRow.setField(i, metadata[i].read(record));
                }
            }
            out.collect(new JoinedRowData(decoded.getRowKind(), physical, metadataRow));
        }

        @Override
        public void close() {}
    }
}
