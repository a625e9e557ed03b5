package io.github.kinesisconsumer.examples;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Passes order events on at most {@code maxPerSecond} per parallel subtask, sleeping when ahead
 * (CountJob {@code --max-records-per-second}): makes reading a backlog take long enough for a
 * failover to happen in the middle. The schedule starts again when the subtask (re)starts.
 */
final class Pacing extends RichMapFunction<OrderEvent, OrderEvent> {
    private static final long serialVersionUID = 1L;
    private final long maxPerSecond;
    private transient long startNanos;
    private transient long passed;

    Pacing(long maxPerSecond) {
        if (maxPerSecond <= 0) {
            throw new IllegalArgumentException("--max-records-per-second must be positive");
        }
        this.maxPerSecond = maxPerSecond;
    }

    @Override
    public void open(OpenContext openContext) {
        startNanos = System.nanoTime();
        passed = 0;
    }

    @Override
    public OrderEvent map(OrderEvent order) throws InterruptedException {
        long wait = startNanos + passed * 1_000_000_000L / maxPerSecond - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        passed++;
        return order;
    }
}
