package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.KinesisRecord;
import io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.util.Collector;

/** Emits (partition key, payload) — a deserializer that uses the record metadata. */
final class KeyAndPayload implements KinesisDeserializationSchema<Tuple2<String, String>> {

    @Override
    public void deserialize(KinesisRecord record, Collector<Tuple2<String, String>> out) {
        out.collect(Tuple2.of(record.partitionKey(), record.dataAsString()));
    }

    @Override
    public TypeInformation<Tuple2<String, String>> getProducedType() {
        return Types.TUPLE(Types.STRING, Types.STRING);
    }
}
