package io.github.kinesisconsumer.testing;

import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a checkpoint store on an interval, on its own connection, and records every time a shard's
 * stored position went backwards: outage tests use it to show that no checkpoint regresses.
 */
public final class StoreWatcher implements AutoCloseable {

    private final CheckpointStore store;
    private final String app;
    private final String stream;
    private final Map<String, Checkpoint> latest = new ConcurrentHashMap<>();
    private final List<String> regressions = new ArrayList<>();
    private final AtomicLong reads = new AtomicLong();
    private final Thread thread;
    private volatile boolean stop;

    private StoreWatcher(CheckpointStore store, String app, String stream, long intervalMillis) {
        this.store = store;
        this.app = app;
        this.stream = stream;
        this.thread =
                new Thread(
                        () -> {
                            while (!stop) {
                                readOnce();
                                try {
                                    Thread.sleep(intervalMillis);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "store-watcher");
        thread.setDaemon(true);
    }

    /** Starts watching; the watcher closes {@code store} when closed. */
    public static StoreWatcher start(
            CheckpointStore store, String app, String stream, long intervalMillis) {
        StoreWatcher w = new StoreWatcher(store, app, stream, intervalMillis);
        w.thread.start();
        return w;
    }

    private void readOnce() {
        Map<String, Checkpoint> now;
        try {
            now = store.getAll(app, stream);
        } catch (RuntimeException e) {
            return;
        }
        reads.incrementAndGet();
        for (Map.Entry<String, Checkpoint> e : now.entrySet()) {
            Checkpoint before = latest.put(e.getKey(), e.getValue());
            if (before != null && before.compareTo(e.getValue()) > 0) {
                synchronized (regressions) {
                    regressions.add(e.getKey() + ": " + before + " -> " + e.getValue());
                }
            }
        }
    }

    /** The positions last read. */
    public Map<String, Checkpoint> latest() {
        return Map.copyOf(latest);
    }

    /** The sequence numbers last read for {@code shards}; shards with no position are left out. */
    public Map<String, String> sequences(Iterable<String> shards) {
        Map<String, String> out = new HashMap<>();
        for (String shard : shards) {
            Checkpoint c = latest.get(shard);
            if (c != null) {
                out.put(shard, c.sequenceNumber());
            }
        }
        return out;
    }

    /** Shards whose stored position was seen to go backwards, with the two positions. */
    public List<String> regressions() {
        synchronized (regressions) {
            return List.copyOf(regressions);
        }
    }

    /** Successful reads so far. */
    public long reads() {
        return reads.get();
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(5_000);
        store.close();
    }
}
