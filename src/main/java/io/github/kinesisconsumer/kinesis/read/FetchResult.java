package io.github.kinesisconsumer.kinesis.read;

import io.github.kinesisconsumer.annotation.Internal;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.wire.RawRecord;

import software.amazon.awssdk.services.kinesis.model.ChildShard;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What one GetRecords call on one shard brought: records in sequence order, the lag, and whether
 * the shard has ended.
 */
@Internal
public final class FetchResult {

    private final String shardId;
    private final List<RawRecord> records;
    private final long bytes;
    private final Long millisBehindLatest;
    private final boolean shardEnd;
    private final List<String> childShardIds;
    private final StartingPosition resumeInside;
    private final long requestedAtMillis;

    FetchResult(
            String shardId,
            List<RawRecord> records,
            long bytes,
            Long millisBehindLatest,
            boolean shardEnd,
            List<String> childShardIds,
            StartingPosition resumeInside,
            long requestedAtMillis) {
        this.shardId = shardId;
        this.records = records;
        this.bytes = bytes;
        this.millisBehindLatest = millisBehindLatest;
        this.shardEnd = shardEnd;
        this.childShardIds = childShardIds;
        this.resumeInside = resumeInside;
        this.requestedAtMillis = requestedAtMillis;
    }

    /** The last result of a shard: nothing more to read; its children, if known. */
    static FetchResult shardEnd(String shardId, List<String> childShardIds) {
        return new FetchResult(
                shardId,
                Collections.emptyList(),
                0,
                null,
                true,
                childShardIds,
                null,
                System.currentTimeMillis());
    }

    public String shardId() {
        return shardId;
    }

    /** Raw Kinesis records; aggregated records are not yet split into user records. */
    public List<RawRecord> records() {
        return records;
    }

    /** What {@link #records()} count against the buffer: payloads plus a per-record overhead. */
    public long bytes() {
        return bytes;
    }

    /** How far behind the tip of the shard this fetch is, or null if the service did not say. */
    public Long millisBehindLatest() {
        return millisBehindLatest;
    }

    /** True when the shard is closed and every record has been returned. */
    public boolean isShardEnd() {
        return shardEnd;
    }

    /** The children named by the service at shard end (empty if it names none). */
    public List<String> childShardIds() {
        return childShardIds == null ? Collections.emptyList() : childShardIds;
    }

    /**
     * When reading resumed inside an aggregated record, that position: user records of that
     * sequence number up to its sub-sequence number are already consumed. Otherwise null.
     */
    public StartingPosition resumeInside() {
        return resumeInside;
    }

    /**
     * When the call that brought this result was made (epoch millis): what it returns is the shard
     * as of that moment at the latest. With enhanced fan-out, when the event before it arrived.
     */
    public long requestedAtMillis() {
        return requestedAtMillis;
    }

    @Override
    public String toString() {
        return "FetchResult{"
                + shardId
                + ", records="
                + records.size()
                + ", millisBehindLatest="
                + millisBehindLatest
                + (shardEnd ? ", shardEnd children=" + childShardIds() : "")
                + "}";
    }

    /** The ids of {@code children}, as an answer that ends a shard names them. */
    static List<String> childIds(List<ChildShard> children) {
        if (children == null || children.isEmpty()) {
            return List.of();
        }
        List<String> ids = new ArrayList<>(children.size());
        for (ChildShard child : children) {
            ids.add(child.shardId());
        }
        return ids;
    }
}
