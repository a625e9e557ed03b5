package io.github.kinesisconsumer.testing;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The MiniClusters the Flink tests run on: one place for their shape. */
public final class FlinkCluster {

    private FlinkCluster() {}

    /** A cluster of {@code taskManagers} TaskManagers with {@code slots} slots each. */
    public static MiniClusterExtension of(int taskManagers, int slots) {
        return create(taskManagers, slots, new Configuration());
    }

    /** Like {@link #of}, with every metric reported to {@code reporter}. */
    public static MiniClusterExtension reportingTo(
            InMemoryReporter reporter, int taskManagers, int slots) {
        return create(taskManagers, slots, reporter.addToConfiguration(new Configuration()));
    }

    private static MiniClusterExtension create(
            int taskManagers, int slots, Configuration configuration) {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(taskManagers)
                        .setNumberSlotsPerTaskManager(slots)
                        .setConfiguration(configuration)
                        .build());
    }

    /** The job's restarts so far, as {@code reporter} last saw its {@code numRestarts} gauge. */
    public static long restarts(InMemoryReporter reporter, JobID job) {
        long max = 0;
        for (Metric m : reporter.findMetrics(job, "numRestarts").values()) {
            max = Math.max(max, ((Number) ((Gauge<?>) m).getValue()).longValue());
        }
        return max;
    }
}
