package io.github.kinesisconsumer.kinesis;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import software.amazon.awssdk.services.kinesis.model.Shard;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** What a shard listing says about one shard: its id, parents and whether it is closed. */
@PublicEvolving
public final class ShardInfo implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String shardId;
    private final String parentShardId;
    private final String adjacentParentShardId;
    private final String startingSequenceNumber;
    private final String endingSequenceNumber;

    public ShardInfo(
            String shardId,
            String parentShardId,
            String adjacentParentShardId,
            String startingSequenceNumber,
            String endingSequenceNumber) {
        this.shardId = Objects.requireNonNull(shardId, "shardId");
        this.parentShardId = parentShardId;
        this.adjacentParentShardId = adjacentParentShardId;
        this.startingSequenceNumber = startingSequenceNumber;
        this.endingSequenceNumber = endingSequenceNumber;
    }

    /** Converts the SDK model. */
    public static ShardInfo of(Shard shard) {
        return new ShardInfo(
                shard.shardId(),
                shard.parentShardId(),
                shard.adjacentParentShardId(),
                shard.sequenceNumberRange() == null
                        ? null
                        : shard.sequenceNumberRange().startingSequenceNumber(),
                shard.sequenceNumberRange() == null
                        ? null
                        : shard.sequenceNumberRange().endingSequenceNumber());
    }

    public String shardId() {
        return shardId;
    }

    /** The parent (split or merge), or null. */
    public String parentShardId() {
        return parentShardId;
    }

    /** The second parent of a merge, or null. */
    public String adjacentParentShardId() {
        return adjacentParentShardId;
    }

    /** Parent ids, zero to two of them. */
    public List<String> parentShardIds() {
        if (parentShardId == null && adjacentParentShardId == null) {
            return Collections.emptyList();
        }
        List<String> parents = new ArrayList<>(2);
        if (parentShardId != null) {
            parents.add(parentShardId);
        }
        if (adjacentParentShardId != null) {
            parents.add(adjacentParentShardId);
        }
        return parents;
    }

    public String startingSequenceNumber() {
        return startingSequenceNumber;
    }

    /** The last sequence number of a closed shard, or null while the shard is open. */
    public String endingSequenceNumber() {
        return endingSequenceNumber;
    }

    /**
     * A sequence number to store for this shard when it was read to its end with nothing read from
     * it: its ending sequence number when closed, else its starting one. Kinesis accepts both for
     * {@code AFTER_SEQUENCE_NUMBER}.
     */
    public String emptyShardSequence() {
        return isClosed() ? endingSequenceNumber : startingSequenceNumber;
    }

    /** Whether the shard is closed for writes (it was split or merged). */
    public boolean isClosed() {
        return endingSequenceNumber != null;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ShardInfo)) {
            return false;
        }
        ShardInfo that = (ShardInfo) o;
        return shardId.equals(that.shardId)
                && Objects.equals(parentShardId, that.parentShardId)
                && Objects.equals(adjacentParentShardId, that.adjacentParentShardId)
                && Objects.equals(startingSequenceNumber, that.startingSequenceNumber)
                && Objects.equals(endingSequenceNumber, that.endingSequenceNumber);
    }

    @Override
    public int hashCode() {
        return shardId.hashCode();
    }

    @Override
    public String toString() {
        return shardId
                + (parentShardIds().isEmpty() ? "" : " parents=" + parentShardIds())
                + (isClosed() ? " closed" : "");
    }
}
