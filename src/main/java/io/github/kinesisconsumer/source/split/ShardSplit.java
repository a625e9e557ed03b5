package io.github.kinesisconsumer.source.split;

import io.github.kinesisconsumer.kinesis.StartingPosition;

import org.apache.flink.api.connector.source.SourceSplit;

import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One shard as a Flink split: where to start reading it, its parents, and (bounded mode) when to
 * stop. A split marked finished has been read to its end and waits in reader state until the
 * enumerator surely knows.
 */
public final class ShardSplit implements SourceSplit {

    /** No stop: read until the shard ends. */
    public static final long NO_STOP = Long.MAX_VALUE;

    private final String shardId;
    private final StartingPosition startingPosition;
    private final List<String> parentShardIds;
    private final long stopAtArrivalMillis;
    private final boolean finished;

    public ShardSplit(
            String shardId,
            StartingPosition startingPosition,
            List<String> parentShardIds,
            long stopAtArrivalMillis,
            boolean finished) {
        this.shardId = Objects.requireNonNull(shardId, "shardId");
        this.startingPosition = Objects.requireNonNull(startingPosition, "startingPosition");
        this.parentShardIds =
                parentShardIds == null
                        ? Collections.emptyList()
                        : Collections.unmodifiableList(new java.util.ArrayList<>(parentShardIds));
        this.stopAtArrivalMillis = stopAtArrivalMillis;
        this.finished = finished;
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

    public ShardSplit withPosition(StartingPosition position) {
        return new ShardSplit(shardId, position, parentShardIds, stopAtArrivalMillis, finished);
    }

    public ShardSplit asFinished() {
        return new ShardSplit(shardId, startingPosition, parentShardIds, stopAtArrivalMillis, true);
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
