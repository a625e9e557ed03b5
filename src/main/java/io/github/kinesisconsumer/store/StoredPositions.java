package io.github.kinesisconsumer.store;

import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.kinesis.ShardLineage;
import io.github.kinesisconsumer.kinesis.StartingPosition;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Starting positions from stored checkpoints: a shard resumes after its checkpoint; a shard counts
 * as finished when its checkpoint says so, or when any descendant has a checkpoint (someone already
 * read past it).
 */
public final class StoredPositions {

    private final Map<String, Checkpoint> stored;

    public StoredPositions(Map<String, Checkpoint> stored) {
        this.stored = Map.copyOf(stored);
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
            if (own != null && own.isFinished()) {
                done.add(id);
                continue;
            }
            for (String descendant : lineage.descendantsOf(id)) {
                if (stored.containsKey(descendant)) {
                    done.add(id);
                    break;
                }
            }
        }
        return done;
    }

    /** Just after the shard's checkpoint, or {@code fallback} when it has none. */
    public StartingPosition positionOf(String shardId, StartingPosition fallback) {
        Checkpoint checkpoint = stored.get(shardId);
        return checkpoint != null ? checkpoint.resumePosition() : fallback;
    }

    public boolean has(String shardId) {
        return stored.containsKey(shardId);
    }
}
