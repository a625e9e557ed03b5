package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Writes record number {@code i} (from 0, with the given partition key and payload) at {@code rate}
 * per second until stopped, and keeps what a soak checks against: records per partition key, the
 * last sequence number written to each shard, the total (also added to {@code written}).
 */
final class SteadyWriter extends Thread {
    final Map<String, Long> perKey = new ConcurrentHashMap<>();
    final Map<String, String> lastSequence = new ConcurrentHashMap<>();
    final AtomicLong total = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final TestStream stream;
    private final int rate;
    private final LongFunction<String> key;
    private final LongFunction<String> payload;
    private final AtomicLong written;

    SteadyWriter(
            TestStream stream,
            int rate,
            LongFunction<String> key,
            LongFunction<String> payload,
            AtomicLong written) {
        super("soak-writer");
        this.stream = stream;
        this.rate = rate;
        this.key = key;
        this.payload = payload;
        this.written = written;
    }

    @Override
    public void run() {
        long begin = System.nanoTime();
        while (!stop.get()) {
            long due = (System.nanoTime() - begin) * rate / 1_000_000_000L;
            long base = total.get();
            int n = (int) Math.min(500, due - base);
            if (n <= 0) {
                ScenarioJob.sleep(100);
                continue;
            }
            for (WrittenRecord w :
                    stream.put(n, i -> key.apply(base + i), i -> payload.apply(base + i))) {
                perKey.merge(w.partitionKey, 1L, Long::sum);
                lastSequence.put(w.shardId, w.sequenceNumber);
            }
            total.addAndGet(n);
            written.addAndGet(n);
        }
    }

    void stopAndJoin() throws InterruptedException {
        stop.set(true);
        join();
    }
}
