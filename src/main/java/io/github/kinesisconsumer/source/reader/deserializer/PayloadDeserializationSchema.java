package io.github.kinesisconsumer.source.reader.deserializer;

import io.github.kinesisconsumer.kinesis.KinesisRecord;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.util.Objects;

/** Adapts a Flink {@link DeserializationSchema} to the record payload. */
final class PayloadDeserializationSchema<T> implements KinesisDeserializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final DeserializationSchema<T> valueSchema;

    PayloadDeserializationSchema(DeserializationSchema<T> valueSchema) {
        this.valueSchema = Objects.requireNonNull(valueSchema, "valueSchema");
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        valueSchema.open(context);
    }

    @Override
    public void deserialize(KinesisRecord record, Collector<T> out) throws IOException {
        valueSchema.deserialize(record.data(), out);
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return valueSchema.getProducedType();
    }
}
