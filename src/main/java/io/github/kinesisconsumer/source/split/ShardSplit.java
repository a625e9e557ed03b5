package io.github.kinesisconsumer.source.split;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.kinesis.StartingPosition;

import org.apache.flink.api.connector.source.SourceSplit;

import javax.annotation.Nullable;

import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One shard as a Flink split: where to start reading it, its parents, and (bounded mode) when to
 * stop. A split marked finished has been read to its end and waits in reader state until the
 * enumerator surely knows.
 *
 * <p>Two hints serve checkpoint stores in the Go library's layouts and are not part of a split's
 * identity: {@link #wholeRecordSequence()} (the last record read whole when the position lies
 * inside a KPL aggregate) and {@link #emptyShardSequence()} (a valid sequence number to store for a
 * shard read to its end with nothing emitted).
 */
@PublicEvolving
public final class ShardSplit implements SourceSplit {

    /** No stop: read until the shard ends. */
    public static final long NO_STOP = Long.MAX_VALUE;

    private final String shardId;
    private final StartingPosition startingPosition;
    private final List<String> parentShardIds;
    private final long stopAtArrivalMillis;
    private final boolean finished;
    @Nullable private final String wholeRecordSequence;
    @Nullable private final String emptyShardSequence;

    public ShardSplit(
            String shardId,
            StartingPosition startingPosition,
            List<String> parentShardIds,
            long stopAtArrivalMillis,
            boolean finished) {
        this(shardId, startingPosition, parentShardIds, stopAtArrivalMillis, finished, null, null);
    }

    public ShardSplit(
            String shardId,
            StartingPosition startingPosition,
            List<String> parentShardIds,
            long stopAtArrivalMillis,
            boolean finished,
            @Nullable String wholeRecordSequence,
            @Nullable String emptyShardSequence) {
        this.shardId = Objects.requireNonNull(shardId, "shardId");
        this.startingPosition = Objects.requireNonNull(startingPosition, "startingPosition");
        this.parentShardIds =
                parentShardIds == null
                        ? Collections.emptyList()
                        : Collections.unmodifiableList(new java.util.ArrayList<>(parentShardIds));
        this.stopAtArrivalMillis = stopAtArrivalMillis;
        this.finished = finished;
        this.wholeRecordSequence = wholeRecordSequence;
        this.emptyShardSequence = emptyShardSequence;
    }

    /** A new, unread split of {@code shard}, with the hints the listing gives. */
    public static ShardSplit forShard(
            ShardInfo shard, StartingPosition position, long stopAtArrivalMillis) {
        return new ShardSplit(
                shard.shardId(),
                position,
                shard.parentShardIds(),
                stopAtArrivalMillis,
                false,
                null,
                shard.emptyShardSequence());
    }

    @Override
    public String splitId() {
        return shardId;
    }

    public String shardId() {
        return shardId;
    }

    public StartingPosition startingPosition() {
        return startingPosition;
    }

    public List<String> parentShardIds() {
        return parentShardIds;
    }

    /**
     * Bounded reading stops before the first record that arrived at or after this time (epoch
     * millis), or once the shard is caught up after it; {@link #NO_STOP} when unbounded.
     */
    public long stopAtArrivalMillis() {
        return stopAtArrivalMillis;
    }

    public boolean isBounded() {
        return stopAtArrivalMillis != NO_STOP;
    }

    public boolean isFinished() {
        return finished;
    }

    /**
     * When the position lies inside a KPL aggregate: the last record read whole before it, or null
     * when unknown (see {@link io.github.kinesisconsumer.store.Checkpoint#wholeRecordSequence()}).
     */
    @Nullable
    public String wholeRecordSequence() {
        return wholeRecordSequence;
    }

    /**
     * The sequence number to store for this shard when it ends with nothing emitted: its ending
     * sequence number if the listing showed it closed, otherwise its starting one; null if unknown.
     * Both are positions Kinesis accepts, unlike a made-up {@code 0}.
     */
    @Nullable
    public String emptyShardSequence() {
        return emptyShardSequence;
    }

    public ShardSplit withPosition(StartingPosition position) {
        return withPosition(position, null);
    }

    /** This split at {@code position}, noting the last record read whole before it. */
    public ShardSplit withPosition(StartingPosition position, @Nullable String wholeRecord) {
        return new ShardSplit(
                shardId,
                position,
                parentShardIds,
                stopAtArrivalMillis,
                finished,
                wholeRecord,
                emptyShardSequence);
    }

    /** This split with {@link #emptyShardSequence()} set. */
    public ShardSplit withEmptyShardSequence(@Nullable String sequenceNumber) {
        return new ShardSplit(
                shardId,
                startingPosition,
                parentShardIds,
                stopAtArrivalMillis,
                finished,
                wholeRecordSequence,
                sequenceNumber);
    }

    public ShardSplit asFinished() {
        return new ShardSplit(
                shardId,
                startingPosition,
                parentShardIds,
                stopAtArrivalMillis,
                true,
                wholeRecordSequence,
                emptyShardSequence);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ShardSplit)) {
            return false;
        }
        ShardSplit that = (ShardSplit) o;
        return stopAtArrivalMillis == that.stopAtArrivalMillis
                && finished == that.finished
                && shardId.equals(that.shardId)
                && startingPosition.equals(that.startingPosition)
                && parentShardIds.equals(that.parentShardIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                shardId, startingPosition, parentShardIds, stopAtArrivalMillis, finished);
    }

    @Override
    public String toString() {
        return "ShardSplit{"
                + shardId
                + " from "
                + startingPosition
                + (parentShardIds.isEmpty() ? "" : " parents=" + parentShardIds)
                + (isBounded() ? " stopAt=" + stopAtArrivalMillis : "")
                + (finished ? " finished" : "")
                + "}";
    }
}
