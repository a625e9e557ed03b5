package io.github.kinesisconsumer.migration;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.store.Checkpoint;

import java.util.Objects;

/** What a {@link MigrationPlan} does with one shard of the stream. */
@PublicEvolving
public final class ShardMove {

    /** How the shard starts under this library. */
    public enum Action {
        /** Resumes just after the earlier consumer's last processed record. */
        RESUME_AFTER,
        /** Read to its end by the earlier consumer: not read again; its children may start. */
        FINISHED,
        /** Starts at its oldest record: nothing of it was processed, but its lineage was. */
        TRIM_HORIZON,
        /** Nothing of it or its ancestors was processed: starts at the fallback position. */
        FALLBACK
    }

    private final String shardId;
    private final PriorPosition prior;
    private final Action action;
    private final Checkpoint checkpoint;
    private final String reason;

    ShardMove(
            String shardId,
            PriorPosition prior,
            Action action,
            Checkpoint checkpoint,
            String reason) {
        this.shardId = shardId;
        this.prior = prior;
        this.action = action;
        this.checkpoint = checkpoint;
        this.reason = reason;
    }

    public String shardId() {
        return shardId;
    }

    /** What the earlier consumer recorded for the shard, or null when it recorded nothing. */
    public PriorPosition prior() {
        return prior;
    }

    public Action action() {
        return action;
    }

    /** The checkpoint to store for the shard, or null when the shard needs none. */
    public Checkpoint checkpoint() {
        return checkpoint;
    }

    /** Why, in words, for the table the migration prints. */
    public String reason() {
        return reason;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ShardMove)) {
            return false;
        }
        ShardMove that = (ShardMove) o;
        return shardId.equals(that.shardId)
                && Objects.equals(prior, that.prior)
                && action == that.action
                && Objects.equals(checkpoint, that.checkpoint);
    }

    @Override
    public int hashCode() {
        return Objects.hash(shardId, prior, action, checkpoint);
    }

    @Override
    public String toString() {
        return shardId + " " + action + (checkpoint == null ? "" : " " + checkpoint);
    }
}
