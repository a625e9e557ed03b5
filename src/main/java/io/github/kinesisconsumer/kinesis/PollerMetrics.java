package io.github.kinesisconsumer.kinesis;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters of a {@link ShardPoller}, safe to read from any thread. */
public final class PollerMetrics {

    /** Fresh counters at zero. */
    public PollerMetrics() {}

    final LongAdder getRecordsCalls = new LongAdder();
    final LongAdder throttledCalls = new LongAdder();
    final LongAdder transientErrors = new LongAdder();
    final LongAdder iteratorRefreshes = new LongAdder();
    final LongAdder recordsFetched = new LongAdder();
    final LongAdder bytesFetched = new LongAdder();
    final LongAdder fetchNanos = new LongAdder();
    final Map<String, Long> millisBehindLatest = new ConcurrentHashMap<>();
    volatile long lastFetchLatencyNanos;

    public long getRecordsCalls() {
        return getRecordsCalls.sum();
    }

    /** Calls answered with ProvisionedThroughputExceeded or another throttling error. */
    public long throttledCalls() {
        return throttledCalls.sum();
    }

    /** Calls failed with 5xx, timeouts or network errors (retried). */
    public long transientErrors() {
        return transientErrors.sum();
    }

    /** Shard iterators taken again after they expired. */
    public long iteratorRefreshes() {
        return iteratorRefreshes.sum();
    }

    public long recordsFetched() {
        return recordsFetched.sum();
    }

    public long bytesFetched() {
        return bytesFetched.sum();
    }

    /** Latency of the most recent successful GetRecords call. */
    public long lastFetchLatencyNanos() {
        return lastFetchLatencyNanos;
    }

    /** The last reported lag of a shard, or -1 when unknown. */
    public long millisBehindLatest(String shardId) {
        Long value = millisBehindLatest.get(shardId);
        return value == null ? -1 : value;
    }
}
