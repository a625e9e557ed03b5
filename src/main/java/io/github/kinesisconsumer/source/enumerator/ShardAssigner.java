package io.github.kinesisconsumer.source.enumerator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Decides which reader gets a shard, so readers stay balanced by the number of shards they read.
 *
 * <ul>
 *   <li>The first assignment waits until every reader of the job has registered, or until the
 *       registration timeout: shards handed to the first reader that registers would stay there.
 *   <li>A shard goes to the least-loaded registered reader. Loads come from assignments, finishes
 *       and what restored readers report they own.
 *   <li>Shards taken back from a failed reader wait for that reader to register again (up to the
 *       timeout), so a restart of one reader does not pile its shards onto the others.
 * </ul>
 */
final class ShardAssigner {

    private static final Logger LOG = LoggerFactory.getLogger(ShardAssigner.class);

    /** No reader: the shard waits. */
    static final int WAIT = -1;

    private final Duration registrationTimeout;
    private final long createdNanos = System.nanoTime();
    private boolean waitingForReaders = true;
    private final Map<String, Integer> owners = new HashMap<>();
    private final Map<Integer, Integer> load = new HashMap<>();
    private final Map<String, Held> held = new HashMap<>();

    ShardAssigner(Duration registrationTimeout) {
        this.registrationTimeout = registrationTimeout;
    }

    /**
     * Whether shards may be assigned now: once all {@code parallelism} readers have registered, or
     * the registration timeout has passed since the enumerator started.
     */
    boolean mayAssign(Collection<Integer> registered, int parallelism) {
        if (!waitingForReaders) {
            return !registered.isEmpty();
        }
        if (registered.size() >= parallelism) {
            waitingForReaders = false;
            LOG.info("all {} readers registered; assigning shards", parallelism);
            return true;
        }
        if (System.nanoTime() - createdNanos >= registrationTimeout.toNanos()
                && !registered.isEmpty()) {
            waitingForReaders = false;
            LOG.warn(
                    "only readers {} of {} registered within {}; assigning shards to them (readers"
                            + " that register later get new shards only)",
                    registered,
                    parallelism,
                    registrationTimeout);
            return true;
        }
        return false;
    }

    /** Whether {@code shardId} waits for the failed reader it was taken back from. */
    boolean isHeld(String shardId) {
        return held.containsKey(shardId);
    }

    /** The reader for {@code shardId} among {@code registered}, or {@link #WAIT}. */
    int pick(String shardId, Collection<Integer> registered) {
        Held h = held.get(shardId);
        if (h != null) {
            if (registered.contains(h.reader)) {
                held.remove(shardId);
                return h.reader;
            }
            if (System.nanoTime() - h.sinceNanos < registrationTimeout.toNanos()) {
                return WAIT;
            }
            held.remove(shardId);
            LOG.warn(
                    "reader {} did not come back within {}; shard {} goes to another reader",
                    h.reader,
                    registrationTimeout,
                    shardId);
        }
        return leastLoaded(registered);
    }

    private int leastLoaded(Collection<Integer> readers) {
        int best = WAIT;
        int bestLoad = Integer.MAX_VALUE;
        for (int reader : readers) {
            int l = load.getOrDefault(reader, 0);
            if (l < bestLoad || (l == bestLoad && reader < best)) {
                best = reader;
                bestLoad = l;
            }
        }
        return best;
    }

    void assigned(String shardId, int reader) {
        Integer previous = owners.put(shardId, reader);
        if (previous != null) {
            load.merge(previous, -1, Integer::sum);
        }
        load.merge(reader, 1, Integer::sum);
    }

    /** A reader reports the shards it reads (restored from its state). */
    void owns(int reader, Collection<String> shardIds) {
        for (String shardId : shardIds) {
            assigned(shardId, reader);
            held.remove(shardId);
        }
    }

    void released(String shardId) {
        Integer owner = owners.remove(shardId);
        if (owner != null) {
            load.merge(owner, -1, Integer::sum);
        }
    }

    /** A shard taken back from failed {@code reader}: it waits for that reader to come back. */
    void heldFor(String shardId, int reader) {
        released(shardId);
        held.put(shardId, new Held(reader, System.nanoTime()));
    }

    /** Shards per reader, for logs and tests. */
    Map<Integer, Integer> loads() {
        return Map.copyOf(load);
    }

    private static final class Held {
        final int reader;
        final long sinceNanos;

        Held(int reader, long sinceNanos) {
            this.reader = reader;
            this.sinceNanos = sinceNanos;
        }
    }
}
