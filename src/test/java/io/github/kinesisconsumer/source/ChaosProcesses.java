package io.github.kinesisconsumer.source;

/**
 * The Flink processes a chaos schedule kills: TaskManagers on a MiniCluster or a real cluster, the
 * leading JobManager only on a high-availability cluster.
 */
interface ChaosProcesses {

    /** Kills a TaskManager and starts another; returns what was done, for the event log. */
    String killTaskManager() throws Exception;

    /**
     * Kills the leading JobManager, waits until the standby leads and starts the killed one again
     * as the new standby; returns what was done and how long the standby took.
     */
    String killJobManager() throws Exception;
}
