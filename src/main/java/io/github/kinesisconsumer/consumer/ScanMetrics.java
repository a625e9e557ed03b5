package io.github.kinesisconsumer.consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The consumer's own counts, registered as a JMX MXBean while the consumer is open. */
final class ScanMetrics implements ScanMetricsMXBean {

    private static final Logger LOG = LoggerFactory.getLogger(ScanMetrics.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final LongAdder records = new LongAdder();
    private final LongAdder checkpoints = new LongAdder();
    private final Map<String, LongAdder> recordsPerShard = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> checkpointsPerShard = new ConcurrentHashMap<>();
    private volatile ObjectName registered;

    void recordsDelivered(String shardId, int count) {
        records.add(count);
        recordsPerShard.computeIfAbsent(shardId, k -> new LongAdder()).add(count);
    }

    void checkpointWritten(String shardId) {
        checkpoints.increment();
        checkpointsPerShard.computeIfAbsent(shardId, k -> new LongAdder()).increment();
    }

    /** Registers with the platform MBean server; a failure is logged, never thrown. */
    void register(String app, String stream) {
        try {
            ObjectName name =
                    new ObjectName(
                            "io.github.kinesisconsumer:type=KinesisConsumer,app="
                                    + ObjectName.quote(app == null ? "" : app)
                                    + ",stream="
                                    + ObjectName.quote(stream)
                                    + ",id="
                                    + IDS.incrementAndGet());
            ManagementFactory.getPlatformMBeanServer().registerMBean(this, name);
            registered = name;
        } catch (JMException | RuntimeException e) {
            LOG.warn("the consumer's metrics are not available over JMX: {}", e.toString());
        }
    }

    void unregister() {
        ObjectName name = registered;
        registered = null;
        if (name == null) {
            return;
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.unregisterMBean(name);
        } catch (JMException e) {
            LOG.debug("unregistering {}: {}", name, e.toString());
        }
    }

    @Override
    public long getRecordsDelivered() {
        return records.sum();
    }

    @Override
    public long getCheckpointsWritten() {
        return checkpoints.sum();
    }

    @Override
    public Map<String, Long> getRecordsDeliveredPerShard() {
        return snapshot(recordsPerShard);
    }

    @Override
    public Map<String, Long> getCheckpointsWrittenPerShard() {
        return snapshot(checkpointsPerShard);
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((shard, n) -> out.put(shard, n.sum()));
        return out;
    }
}
