package io.github.kinesisconsumer.source.enumerator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shards that readers finished since the last completed checkpoint, with the reader that finished
 * each. Until a checkpoint taken after a finish completes, the shard's last records may still be on
 * their way to the operators after the source, and records that two readers send on two channels
 * are not ordered against each other. So a child of such a shard may start at once only on the
 * reader that finished its parents (its records then travel behind theirs); elsewhere it waits for
 * the next completed checkpoint. A job without checkpoints (none taken yet) starts children at
 * once.
 */
final class UncheckpointedFinishes {

    /** The child may go to any reader. */
    static final int ANY_READER = -1;

    /** The child waits for a completed checkpoint. */
    static final int WAIT_FOR_CHECKPOINT = -2;

    private final Map<String, Finish> finishes = new HashMap<>();
    private long lastSnapshotId = -1;
    private long lastCompletedCheckpointId = -1;

    void finished(String shardId, int reader) {
        finishes.put(shardId, new Finish(reader, lastSnapshotId + 1));
    }

    void snapshotTaken(long checkpointId) {
        lastSnapshotId = checkpointId;
    }

    void checkpointCompleted(long checkpointId) {
        lastCompletedCheckpointId = checkpointId;
        finishes.values().removeIf(f -> f.firstCheckpointId <= checkpointId);
    }

    void forget(String shardId) {
        finishes.remove(shardId);
    }

    /**
     * The finishes {@code reader} reported after the last completed checkpoint: they are undone
     * when the reader restarts from that checkpoint, and removed here.
     */
    List<String> revoke(int reader) {
        List<String> revoked = new ArrayList<>();
        Iterator<Map.Entry<String, Finish>> it = finishes.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Finish> e = it.next();
            if (e.getValue().reader == reader
                    && e.getValue().firstCheckpointId > lastCompletedCheckpointId) {
                revoked.add(e.getKey());
                it.remove();
            }
        }
        return revoked;
    }

    /**
     * Where a shard whose parents are all finished may start now: {@link #ANY_READER}, only on the
     * one reader that finished its parents recently, or {@link #WAIT_FOR_CHECKPOINT} when several
     * readers did.
     */
    int placeChild(Collection<String> parents) {
        if (lastSnapshotId < 0) {
            return ANY_READER;
        }
        Set<Integer> readers = new HashSet<>();
        for (String parent : parents) {
            Finish f = finishes.get(parent);
            if (f != null) {
                readers.add(f.reader);
            }
        }
        if (readers.isEmpty()) {
            return ANY_READER;
        }
        return readers.size() == 1 ? readers.iterator().next() : WAIT_FOR_CHECKPOINT;
    }

    private static final class Finish {
        final int reader;
        final long firstCheckpointId;

        Finish(int reader, long firstCheckpointId) {
            this.reader = reader;
            this.firstCheckpointId = firstCheckpointId;
        }
    }
}
