package io.github.kinesisconsumer.store;

import io.github.kinesisconsumer.annotation.Internal;
import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.discovery.ShardLineage;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Starting positions from stored checkpoints, the same for the standalone consumer and the Flink
 * source started from the store.
 *
 * <ul>
 *   <li>A shard with a checkpoint of its own resumes just after it, unless it is marked finished.
 *       This holds even when descendants have checkpoints: records of its tail that were delivered
 *       but skipped (not checkpointed) are delivered again, and its children wait until it ends.
 *   <li>A shard without a checkpoint of its own counts as finished when any descendant has one
 *       (someone read past it; stores written by harlow/kinesis-consumer have no finished marker).
 *   <li>A shard without a checkpoint of its own whose ancestor has one, or is finished, starts at
 *       TRIM_HORIZON: the lineage was read up to it, so none of its records may be skipped.
 * </ul>
 */
@Internal
public final class StoredPositions {

    private final Map<String, Checkpoint> stored;

    public StoredPositions(Map<String, Checkpoint> stored) {
        this.stored = Map.copyOf(stored);
    }

    /**
     * The checkpoints a {@link StartingPosition.Type#PER_SHARD} position stands for, for the
     * lineage rules above: its positions after a sequence number, and its finished shards (at a
     * placeholder sequence number, never read or written).
     */
    public static Map<String, Checkpoint> checkpointsOf(StartingPosition perShard) {
        Map<String, Checkpoint> out = new HashMap<>();
        perShard.shardPositions()
                .forEach(
                        (shardId, p) -> {
                            if (p.type() == StartingPosition.Type.AFTER_SEQUENCE_NUMBER) {
                                out.put(
                                        shardId,
                                        Checkpoint.at(p.sequenceNumber(), p.subSequenceNumber()));
                            }
                        });
        for (String shardId : perShard.finishedShards()) {
            out.put(shardId, Checkpoint.of("0", StartingPosition.NO_SUB_SEQUENCE, true));
        }
        return out;
    }

    public Map<String, Checkpoint> checkpoints() {
        return stored;
    }

    /** The shards of {@code lineage} that need not be read again. */
    public Set<String> finishedShards(ShardLineage lineage) {
        Set<String> done = new LinkedHashSet<>();
        for (ShardInfo shard : lineage.shards()) {
            String id = shard.shardId();
            Checkpoint own = stored.get(id);
            if (own != null) {
                if (own.isFinished()) {
                    done.add(id);
                }
                continue;
            }
            if (anyStored(lineage.descendantsOf(id), Set.of())) {
                done.add(id);
            }
        }
        return done;
    }

    /**
     * Where {@code shardId} starts: just after its own checkpoint; else at TRIM_HORIZON when an
     * ancestor has a checkpoint or is in {@code finished} (pass the shards finished according to
     * the store, not those read to their end since the start); else at {@code fallback}.
     */
    public StartingPosition positionOf(
            String shardId, ShardLineage lineage, Set<String> finished, StartingPosition fallback) {
        Checkpoint own = stored.get(shardId);
        if (own != null) {
            return own.resumePosition();
        }
        if (anyStored(lineage.ancestorsOf(shardId), finished)) {
            return StartingPosition.trimHorizon();
        }
        return fallback;
    }

    private boolean anyStored(Iterable<String> shardIds, Set<String> finished) {
        for (String id : shardIds) {
            if (stored.containsKey(id) || finished.contains(id)) {
                return true;
            }
        }
        return false;
    }
}
