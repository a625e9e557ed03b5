package io.github.kinesisconsumer.source;

import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.taskexecutor.TaskExecutor;

import java.lang.reflect.Field;
import java.util.List;

/**
 * Lets a MiniCluster forget a TaskManager it terminated. MiniCluster keeps every TaskExecutor it
 * started in a list, terminated or not (its index is the argument of {@code terminateTaskManager}),
 * and a terminated TaskExecutor still holds its tasks, their state and its network stack: about 1.3
 * MB of heap per kill, which a soak that kills a TaskManager every minute would count as a leak
 * although a killed TaskManager process frees everything. After {@link #forget}, index 0 is always
 * the oldest live TaskManager. Reads MiniCluster's private field {@code taskManagers}; where it is
 * missing, nothing is forgotten and the heap figures include the dead TaskManagers (said once on
 * standard output).
 */
final class TerminatedTaskManagers {

    private boolean warned;

    /** Drops index 0 once its TaskManager has terminated. */
    @SuppressWarnings("unchecked")
    synchronized void forget(MiniCluster cluster) {
        try {
            Field field = MiniCluster.class.getDeclaredField("taskManagers");
            Field lock = MiniCluster.class.getDeclaredField("lock");
            field.setAccessible(true);
            lock.setAccessible(true);
            List<TaskExecutor> list = (List<TaskExecutor>) field.get(cluster);
            synchronized (lock.get(cluster)) {
                if (list.size() > 1 && list.get(0).getTerminationFuture().isDone()) {
                    list.remove(0);
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (!warned) {
                warned = true;
                System.out.println(
                        "SOAK note: terminated TaskManagers stay in the MiniCluster (" + e + ")");
            }
        }
    }
}
