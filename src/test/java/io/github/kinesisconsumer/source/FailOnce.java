package io.github.kinesisconsumer.source;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.java.tuple.Tuple2;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Throws once, after a checkpoint completed and {@code after} records passed through it. */
final class FailOnce
        implements MapFunction<Tuple2<String, String>, Tuple2<String, String>>, CheckpointListener {

    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
    static final AtomicLong SEEN = new AtomicLong();

    private final long after;

    FailOnce(long after) {
        this.after = after;
    }

    static void reset() {
        FAILED.set(false);
        CHECKPOINTED.set(false);
        SEEN.set(0);
    }

    @Override
    public Tuple2<String, String> map(Tuple2<String, String> value) {
        if (SEEN.incrementAndGet() >= after
                && CHECKPOINTED.get()
                && FAILED.compareAndSet(false, true)) {
            throw new IllegalStateException("injected failure after " + SEEN.get() + " records");
        }
        return value;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        CHECKPOINTED.set(true);
    }
}
