package io.github.kinesisconsumer.source.reader;

import io.github.kinesisconsumer.kinesis.KinesisRecord;

import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * The records of one fetch, grouped by shard, and the shards that ended. Their bytes stay counted
 * against the poller's buffer until Flink has emitted them and recycles this batch.
 */
final class ShardRecords implements RecordsWithSplitIds<KinesisRecord> {

    private final LongConsumer release;
    private long heldBytes;

    ShardRecords(LongConsumer release) {
        this.release = release;
    }

    void holds(long bytes) {
        heldBytes += bytes;
    }

    @Override
    public void recycle() {
        long bytes = heldBytes;
        heldBytes = 0;
        release.accept(bytes);
    }

    private final Map<String, ArrayList<KinesisRecord>> byShard = new LinkedHashMap<>();
    private final Set<String> finished = new HashSet<>();
    private Iterator<Map.Entry<String, ArrayList<KinesisRecord>>> shards;
    private Iterator<KinesisRecord> current;

    /** The list a shard's records go to, with room for {@code coming} more. */
    List<KinesisRecord> recordsOf(String shardId, int coming) {
        ArrayList<KinesisRecord> records =
                byShard.computeIfAbsent(shardId, k -> new ArrayList<>(coming));
        records.ensureCapacity(records.size() + coming);
        return records;
    }

    void finished(String shardId) {
        finished.add(shardId);
    }

    boolean isEmpty() {
        return byShard.isEmpty() && finished.isEmpty();
    }

    @Nullable
    @Override
    public String nextSplit() {
        if (shards == null) {
            shards = byShard.entrySet().iterator();
        }
        if (!shards.hasNext()) {
            current = null;
            return null;
        }
        Map.Entry<String, ArrayList<KinesisRecord>> next = shards.next();
        current = next.getValue().iterator();
        return next.getKey();
    }

    @Nullable
    @Override
    public KinesisRecord nextRecordFromSplit() {
        return current != null && current.hasNext() ? current.next() : null;
    }

    @Override
    public Set<String> finishedSplits() {
        return finished.isEmpty() ? Collections.emptySet() : finished;
    }
}
