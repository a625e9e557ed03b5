package io.github.kinesisconsumer.source;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A keyed, checkpointed count that also checks order: record {@code "<prefix><i>"} of key {@code
 * "k<i % keys>"} is the key's record number {@code i / keys}, and each key must see 0, 1, 2, ...
 * with no gap and no repeat. A gap, a repeat or a step back counts as an order violation (the count
 * is not checkpointed, so a violation seen once is never forgotten by a restore). {@link #pauseFor}
 * holds every record for a while: backpressure all the way back to the source.
 */
final class SequencedCount
        extends KeyedProcessFunction<String, Tuple2<String, String>, Tuple2<String, Long>> {

    static final AtomicLong VIOLATIONS = new AtomicLong();
    static final List<String> EXAMPLES = new CopyOnWriteArrayList<>();
    private static volatile long pausedUntilNanos;

    private final int keys;
    private transient ValueState<Long> count;
    private transient ValueState<Long> last;

    SequencedCount(int keys) {
        this.keys = keys;
    }

    static void reset() {
        VIOLATIONS.set(0);
        EXAMPLES.clear();
        pausedUntilNanos = 0;
    }

    static void pauseFor(Duration duration) {
        pausedUntilNanos = System.nanoTime() + duration.toNanos();
    }

    @Override
    public void open(OpenContext openContext) {
        count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Long.class));
        last = getRuntimeContext().getState(new ValueStateDescriptor<>("last", Long.class));
    }

    @Override
    public void processElement(
            Tuple2<String, String> value, Context ctx, Collector<Tuple2<String, Long>> out)
            throws Exception {
        while (System.nanoTime() - pausedUntilNanos < 0) {
            Thread.sleep(20);
        }
        String payload = value.f1;
        long index = Long.parseLong(payload.substring(payload.lastIndexOf('-') + 1));
        long sequence = index / keys;
        Long before = last.value();
        long expected = before == null ? 0 : before + 1;
        if (sequence != expected) {
            VIOLATIONS.incrementAndGet();
            if (EXAMPLES.size() < 10) {
                EXAMPLES.add(value.f0 + ": expected #" + expected + ", got #" + sequence);
            }
        }
        last.update(Math.max(sequence, before == null ? -1 : before));
        Long c = count.value();
        long next = c == null ? 1 : c + 1;
        count.update(next);
        out.collect(Tuple2.of(value.f0, next));
    }
}
