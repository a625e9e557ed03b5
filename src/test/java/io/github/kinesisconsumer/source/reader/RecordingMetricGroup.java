package io.github.kinesisconsumer.source.reader;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A metric group that keeps the counters and gauges registered in it and its subgroups. */
final class RecordingMetricGroup extends UnregisteredMetricsGroup {

    final Map<String, Counter> counters = new ConcurrentHashMap<>();
    final Map<String, Gauge<?>> gauges = new ConcurrentHashMap<>();

    @Override
    public Counter counter(String name) {
        return counter(name, new SimpleCounter());
    }

    @Override
    public <C extends Counter> C counter(String name, C counter) {
        counters.put(name, counter);
        return counter;
    }

    @Override
    public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
        gauges.put(name, gauge);
        return gauge;
    }

    @Override
    public MetricGroup addGroup(String name) {
        return this;
    }

    long count(String name) {
        return counters.get(name).getCount();
    }
}
