package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.KinesisRecord;
import io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Records what the source emitted, in the source task itself (the sink is chained to it): key,
 * payload, shard and the emit time.
 */
final class Emitted {

    static final ConcurrentLinkedQueue<Entry> ENTRIES = new ConcurrentLinkedQueue<>();

    private Emitted() {}

    static void reset() {
        ENTRIES.clear();
    }

    static List<Entry> all() {
        return new ArrayList<>(ENTRIES);
    }

    /** One emitted record. */
    static final class Entry {
        final String key;
        final String payload;
        final String shardId;
        final long nanos;

        Entry(String key, String payload, String shardId, long nanos) {
            this.key = key;
            this.payload = payload;
            this.shardId = shardId;
            this.nanos = nanos;
        }
    }

    /** (partition key, payload, shard id). */
    static final class Schema
            implements KinesisDeserializationSchema<Tuple3<String, String, String>> {
        @Override
        public void deserialize(
                KinesisRecord record, Collector<Tuple3<String, String, String>> out) {
            out.collect(Tuple3.of(record.partitionKey(), record.dataAsString(), record.shardId()));
        }

        @Override
        public TypeInformation<Tuple3<String, String, String>> getProducedType() {
            return Types.TUPLE(Types.STRING, Types.STRING, Types.STRING);
        }
    }

    /** Chained to the source: records emit order and time. */
    static final class Sink
            implements MapFunction<Tuple3<String, String, String>, Tuple3<String, String, String>> {
        @Override
        public Tuple3<String, String, String> map(Tuple3<String, String, String> value) {
            ENTRIES.add(new Entry(value.f0, value.f1, value.f2, System.nanoTime()));
            return value;
        }
    }
}
