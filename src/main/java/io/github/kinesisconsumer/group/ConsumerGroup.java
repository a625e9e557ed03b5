package io.github.kinesisconsumer.group;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.store.Checkpoint;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * Decides which shards this worker reads. The consumer reads exactly the shards in {@link
 * #ownedShards()}, fences each checkpoint through {@link #checkpoint}, flushes and {@link #release
 * releases} the shards in {@link #handOffRequested()}, and {@link #close() closes} the group when
 * its scan stops.
 */
@PublicEvolving
public interface ConsumerGroup extends AutoCloseable {

    /** Joins the group for {@code streamName}; coordination runs in the background from now. */
    void start(String streamName);

    /** Shards found by listing the stream; the group makes leases for new ones. */
    void shardsDiscovered(Collection<ShardInfo> shards);

    /** The shards this worker holds a live lease for and may read now. */
    Set<String> ownedShards();

    /**
     * Whether this worker holds a live lease of {@code shardId} now; checked before each record is
     * delivered, so a worker whose lease expired (a process frozen past it, say) delivers nothing
     * more of the shard even before its reading is stopped.
     */
    default boolean holds(String shardId) {
        return ownedShards().contains(shardId);
    }

    /** Shards another worker asked for: flush their checkpoint, then release them. */
    Set<String> handOffRequested();

    /** The checkpoint kept with the lease, if any. */
    Optional<Checkpoint> leaseCheckpoint(String shardId);

    /**
     * Records a checkpoint if this worker still holds the lease (conditional on the lease counter).
     * Returns false if the lease was lost: the caller must stop reading the shard and must not
     * write the checkpoint anywhere else.
     */
    boolean checkpoint(String shardId, Checkpoint checkpoint);

    /** The shard was read to its end: marks its lease finished (fenced) and gives it up. */
    boolean finished(String shardId, Checkpoint checkpoint);

    /** Gives up a lease (after its checkpoint was flushed). */
    void release(String shardId);

    /** Releases every lease at once and leaves the group. */
    @Override
    void close();
}
