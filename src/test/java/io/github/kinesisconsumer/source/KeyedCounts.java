package io.github.kinesisconsumer.source;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test pipeline parts: a keyed, checkpointed count per partition key, and a sink that keeps the
 * latest count per key. With exactly-once state the final count of a key is the number of its
 * records; a duplicate in state makes it larger, a loss smaller.
 */
final class KeyedCounts {

    static final Map<String, Long> LATEST = new ConcurrentHashMap<>();
    static final Map<String, String> LAST_VALUE = new ConcurrentHashMap<>();

    private KeyedCounts() {}

    static void reset() {
        LATEST.clear();
        LAST_VALUE.clear();
    }

    static long total() {
        long sum = 0;
        for (long v : LATEST.values()) {
            sum += v;
        }
        return sum;
    }

    static Map<String, Long> snapshot() {
        return new HashMap<>(LATEST);
    }

    /** Input: (partitionKey, payload). Output: (partitionKey, count so far). */
    static final class Count
            extends KeyedProcessFunction<String, Tuple2<String, String>, Tuple2<String, Long>> {
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext openContext) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Long.class));
        }

        @Override
        public void processElement(
                Tuple2<String, String> value, Context ctx, Collector<Tuple2<String, Long>> out)
                throws Exception {
            Long c = count.value();
            long next = c == null ? 1 : c + 1;
            count.update(next);
            out.collect(Tuple2.of(value.f0, next));
        }
    }

    /** Keeps the largest count seen per key. */
    static final class LatestSink
            implements MapFunction<Tuple2<String, Long>, Tuple2<String, Long>> {
        @Override
        public Tuple2<String, Long> map(Tuple2<String, Long> value) {
            LATEST.merge(value.f0, value.f1, Math::max);
            return value;
        }
    }
}
