package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import java.util.Map;

/**
 * What a {@link KinesisConsumer} has done since it was built: the counts a {@link ScanCounter}
 * sees, kept by the consumer itself. Read them from {@link KinesisConsumer#metrics()}, or over JMX
 * (a JMX exporter turns them into Prometheus or other metrics): each consumer registers one under
 * {@code io.github.kinesisconsumer:type=KinesisConsumer,app=<app>,stream=<stream>,id=<n>} while it
 * is open.
 */
@PublicEvolving
public interface ScanMetricsMXBean {

    /** Records handed to the scan callbacks, all shards. */
    long getRecordsDelivered();

    /** Checkpoints written to the store, all shards. */
    long getCheckpointsWritten();

    /** Records handed to the scan callbacks, by shard id. */
    Map<String, Long> getRecordsDeliveredPerShard();

    /** Checkpoints written to the store, by shard id. */
    Map<String, Long> getCheckpointsWrittenPerShard();
}
