package io.github.kinesisconsumer.kinesis.read;

import io.github.kinesisconsumer.annotation.Internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of a {@link ShardReader} (polling or enhanced fan-out), safe to read from any thread.
 */
@Internal
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
    final LongAdder subscriptions = new LongAdder();
    final LongAdder silentSubscriptions = new LongAdder();
    final LongAdder staleEvents = new LongAdder();
    final LongAdder closedShardProbes = new LongAdder();
    final LongAdder shardsGone = new LongAdder();
    final LongAdder trimmedPositions = new LongAdder();

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

    /** Forgets the lag of a shard that is no longer read. */
    public void forgetShard(String shardId) {
        millisBehindLatest.remove(shardId);
    }

    /** SubscribeToShard calls made (enhanced fan-out): the first per shard and every renewal. */
    public long subscriptions() {
        return subscriptions.sum();
    }

    /** Subscriptions cancelled and renewed because no event came within the health timeout. */
    public long silentSubscriptions() {
        return silentSubscriptions.sum();
    }

    /** Events of a cancelled or ended subscription, ignored. */
    public long staleEvents() {
        return staleEvents.sum();
    }

    /** Checks whether an idle subscribed shard is closed (GetShardIterator + GetRecords). */
    public long closedShardProbes() {
        return closedShardProbes.sum();
    }

    /** Shards that no longer exist (past retention) and were treated as finished. */
    public long shardsGone() {
        return shardsGone.sum();
    }

    /** Shards whose starting position was older than their trim horizon. */
    public long trimmedPositions() {
        return trimmedPositions.sum();
    }
}
