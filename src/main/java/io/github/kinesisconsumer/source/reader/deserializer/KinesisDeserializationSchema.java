package io.github.kinesisconsumer.source.reader.deserializer;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.kinesis.KinesisRecord;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.io.Serializable;

/**
 * Turns a Kinesis record, with its metadata (stream, shard, partition key, sequence and
 * sub-sequence number, arrival time), into zero or more values.
 *
 * @param <T> the type of the values
 */
@PublicEvolving
public interface KinesisDeserializationSchema<T> extends Serializable, ResultTypeQueryable<T> {

    /** Called once per reader before the first record. */
    default void open(DeserializationSchema.InitializationContext context) throws Exception {}

    /** Emits the values of {@code record} to {@code out}. */
    void deserialize(KinesisRecord record, Collector<T> out) throws IOException;

    /** Wraps a Flink {@link DeserializationSchema} that reads only the payload. */
    static <T> KinesisDeserializationSchema<T> of(DeserializationSchema<T> valueSchema) {
        return new PayloadDeserializationSchema<>(valueSchema);
    }
}
