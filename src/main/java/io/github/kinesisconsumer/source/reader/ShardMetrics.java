package io.github.kinesisconsumer.source.reader;

import io.github.kinesisconsumer.kinesis.read.PollerMetrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;

import java.util.HashMap;
import java.util.Map;

/**
 * Registers the reader's Kinesis metrics: per shard {@code millisBehindLatest} (group {@code
 * KinesisSource.shardId.<id>}, removed when the shard finishes), and per reader the GetRecords
 * calls (count and rate per second), throttled calls, transient errors, iterator refreshes, bytes
 * read and the latest fetch latency; with enhanced fan-out the subscriptions made, the silent ones
 * renewed and closed-shard checks; shards found gone past retention ({@code shardsGone}) and starts
 * older than the trim horizon ({@code trimmedPositions}).
 */
final class ShardMetrics {

    private final MetricGroup kinesisGroup;
    private final PollerMetrics poller;
    private final Map<String, MetricGroup> shardGroups = new HashMap<>();

    ShardMetrics(SourceReaderMetricGroup group, PollerMetrics poller) {
        this.poller = poller;
        this.kinesisGroup = group.addGroup("KinesisSource");
        kinesisGroup.gauge("getRecordsCalls", (Gauge<Long>) poller::getRecordsCalls);
        kinesisGroup.meter("getRecordsCallsPerSecond", new MeterView(new CountOf(poller)));
        kinesisGroup.gauge("throttledCalls", (Gauge<Long>) poller::throttledCalls);
        kinesisGroup.gauge("transientErrors", (Gauge<Long>) poller::transientErrors);
        kinesisGroup.gauge("iteratorRefreshes", (Gauge<Long>) poller::iteratorRefreshes);
        kinesisGroup.gauge("recordsFetched", (Gauge<Long>) poller::recordsFetched);
        kinesisGroup.gauge("bytesFetched", (Gauge<Long>) poller::bytesFetched);
        kinesisGroup.gauge("subscriptions", (Gauge<Long>) poller::subscriptions);
        kinesisGroup.gauge("silentSubscriptions", (Gauge<Long>) poller::silentSubscriptions);
        kinesisGroup.gauge("closedShardProbes", (Gauge<Long>) poller::closedShardProbes);
        kinesisGroup.gauge("shardsGone", (Gauge<Long>) poller::shardsGone);
        kinesisGroup.gauge("trimmedPositions", (Gauge<Long>) poller::trimmedPositions);
        kinesisGroup.gauge(
                "fetchLatencyMs", (Gauge<Long>) () -> poller.lastFetchLatencyNanos() / 1_000_000);
    }

    void register(String shardId) {
        if (!shardGroups.containsKey(shardId)) {
            MetricGroup group = kinesisGroup.addGroup("shardId", shardId);
            group.gauge(
                    "millisBehindLatest", (Gauge<Long>) () -> poller.millisBehindLatest(shardId));
            shardGroups.put(shardId, group);
        }
    }

    /**
     * Removes the metrics of a shard that is no longer read (finished), so reporters drop them and
     * a long-running job does not keep a group per shard it ever read.
     */
    void unregister(String shardId) {
        MetricGroup group = shardGroups.remove(shardId);
        if (group instanceof AbstractMetricGroup) {
            ((AbstractMetricGroup<?>) group).close();
        }
        poller.forgetShard(shardId);
    }

    /** A read-only counter over the poller's GetRecords count, for the rate meter. */
    private static final class CountOf implements Counter {
        private final PollerMetrics poller;

        CountOf(PollerMetrics poller) {
            this.poller = poller;
        }

        @Override
        public void inc() {}

        @Override
        public void inc(long n) {}

        @Override
        public void dec() {}

        @Override
        public void dec(long n) {}

        @Override
        public long getCount() {
            return poller.getRecordsCalls();
        }
    }
}
