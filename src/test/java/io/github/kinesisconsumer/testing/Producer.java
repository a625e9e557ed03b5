package io.github.kinesisconsumer.testing;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes records {@code "<i>"} with keys {@code "key-<i % keys>"} in batches until stopped, so
 * tests can reshard or fail things while data flows. Per key, records are written in order.
 */
public final class Producer implements AutoCloseable {

    private final AtomicInteger written = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    private Producer(TestStream stream, int keys, int batch, long pauseMillis, String prefix) {
        thread =
                new Thread(
                        () -> {
                            while (!stop.get()) {
                                int base = written.get();
                                stream.put(
                                        batch,
                                        i -> "key-" + ((base + i) % keys),
                                        i -> prefix + (base + i));
                                written.addAndGet(batch);
                                try {
                                    Thread.sleep(pauseMillis);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "test-producer-" + stream.name());
        thread.setDaemon(true);
    }

    /** Starts writing {@code batch} records every {@code pauseMillis}. */
    public static Producer start(
            TestStream stream, int keys, int batch, long pauseMillis, String prefix) {
        Producer p = new Producer(stream, keys, batch, pauseMillis, prefix);
        p.thread.start();
        return p;
    }

    /** Records written so far. */
    public int written() {
        return written.get();
    }

    /** Stops writing and returns how many records were written. */
    public int stop() throws InterruptedException {
        stop.set(true);
        thread.join();
        return written.get();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
