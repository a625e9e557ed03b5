package io.github.kinesisconsumer.kinesis.read;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * What a {@link ShardReader} hands its caller: fetch results, failures to rethrow, and wake-ups
 * that end a wait early.
 */
final class ResultQueue {

    private static final Object WAKEUP = new Object();

    private final BlockingQueue<Object> items = new LinkedBlockingQueue<>();

    void add(FetchResult result) {
        items.add(result);
    }

    void fail(RuntimeException failure) {
        items.add(failure);
    }

    void wakeup() {
        items.add(WAKEUP);
    }

    /**
     * Waits up to {@code timeout} for an item, then takes all that are ready. The bytes of the
     * taken results go to {@code taken} before a failure among them is rethrown.
     */
    List<FetchResult> take(long timeout, TimeUnit unit, LongConsumer taken)
            throws InterruptedException {
        List<FetchResult> out = new ArrayList<>();
        Object first = items.poll(timeout, unit);
        if (first == null) {
            return out;
        }
        List<Object> ready = new ArrayList<>();
        ready.add(first);
        items.drainTo(ready);
        long bytes = 0;
        RuntimeException failure = null;
        for (Object item : ready) {
            if (item instanceof FetchResult) {
                FetchResult result = (FetchResult) item;
                bytes += result.bytes();
                out.add(result);
            } else if (item instanceof RuntimeException && failure == null) {
                failure = (RuntimeException) item;
            }
        }
        taken.accept(bytes);
        if (failure != null) {
            throw failure;
        }
        return out;
    }
}
