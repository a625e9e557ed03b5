package io.github.kinesisconsumer.kinesis.read;

import io.github.kinesisconsumer.kinesis.wire.RawRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Test helper: drains a {@link ShardReader#polling polling reader} into per-shard record lists. */
final class PollingReader {

    final Map<String, List<RawRecord>> byShard = new LinkedHashMap<>();
    final Set<String> ended = new HashSet<>();
    final Map<String, List<String>> children = new LinkedHashMap<>();
    int total;

    /** Polls until {@code expected} records arrived (or every shard ended) or the timeout. */
    PollingReader readUntil(ShardReader poller, int expected, int shards, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (total < expected && ended.size() < shards && System.nanoTime() < deadline) {
            for (FetchResult result : poller.poll(100, TimeUnit.MILLISECONDS)) {
                byShard.computeIfAbsent(result.shardId(), k -> new ArrayList<>())
                        .addAll(result.records());
                total += result.records().size();
                if (result.isShardEnd()) {
                    ended.add(result.shardId());
                    children.put(result.shardId(), result.childShardIds());
                }
            }
        }
        return this;
    }

    /** Polls for a while longer and returns how many more records came. */
    int drainFor(ShardReader poller, Duration duration) throws InterruptedException {
        int before = total;
        readUntil(poller, Integer.MAX_VALUE, Integer.MAX_VALUE, duration);
        return total - before;
    }

    List<RawRecord> all() {
        List<RawRecord> all = new ArrayList<>();
        byShard.values().forEach(all::addAll);
        return all;
    }
}
