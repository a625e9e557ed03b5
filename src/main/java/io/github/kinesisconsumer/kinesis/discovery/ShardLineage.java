package io.github.kinesisconsumer.kinesis.discovery;

import io.github.kinesisconsumer.annotation.Internal;
import io.github.kinesisconsumer.kinesis.ShardInfo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The parent/child graph of a stream's shards after splits and merges. A shard is <em>ready</em>
 * once every parent is finished; a parent that is no longer listed (trimmed past retention) counts
 * as finished. Not thread-safe.
 */
@Internal
public final class ShardLineage {

    private final Map<String, ShardInfo> shards = new LinkedHashMap<>();
    private final Map<String, List<String>> children = new HashMap<>();

    /** Adds shards from a listing; shards already known are updated (e.g. now closed). */
    public ShardLineage addAll(Collection<ShardInfo> listed) {
        for (ShardInfo shard : listed) {
            ShardInfo previous = shards.put(shard.shardId(), shard);
            if (previous == null) {
                for (String parent : shard.parentShardIds()) {
                    children.computeIfAbsent(parent, k -> new ArrayList<>(2)).add(shard.shardId());
                }
            }
        }
        return this;
    }

    /** Forgets a shard (gone past retention): its children no longer wait for it. */
    public void remove(String shardId) {
        ShardInfo shard = shards.remove(shardId);
        children.remove(shardId);
        if (shard != null) {
            for (String parent : shard.parentShardIds()) {
                List<String> siblings = children.get(parent);
                if (siblings != null) {
                    siblings.remove(shardId);
                }
            }
        }
    }

    public static ShardLineage of(Collection<ShardInfo> listed) {
        return new ShardLineage().addAll(listed);
    }

    public boolean contains(String shardId) {
        return shards.containsKey(shardId);
    }

    public ShardInfo get(String shardId) {
        return shards.get(shardId);
    }

    /** Every known shard, in the order first seen. */
    public Collection<ShardInfo> shards() {
        return Collections.unmodifiableCollection(shards.values());
    }

    public int size() {
        return shards.size();
    }

    /** Known children of a shard (two after a split, one after a merge). */
    public List<String> childrenOf(String shardId) {
        return Collections.unmodifiableList(
                children.getOrDefault(shardId, Collections.emptyList()));
    }

    /** Known parents of a shard. */
    public List<String> parentsOf(String shardId) {
        ShardInfo shard = shards.get(shardId);
        return shard == null ? Collections.emptyList() : shard.parentShardIds();
    }

    /** Whether {@code shardId} may be read: each parent is finished, or unknown to this lineage. */
    public boolean isReady(String shardId, Predicate<String> finished) {
        for (String parent : parentsOf(shardId)) {
            if (shards.containsKey(parent) && !finished.test(parent)) {
                return false;
            }
        }
        return true;
    }

    /** Shards that are ready and not themselves finished, in listing order. */
    public List<ShardInfo> readyShards(Predicate<String> finished) {
        List<ShardInfo> ready = new ArrayList<>();
        for (ShardInfo shard : shards.values()) {
            if (!finished.test(shard.shardId()) && isReady(shard.shardId(), finished)) {
                ready.add(shard);
            }
        }
        return ready;
    }

    /** Every shard reachable from {@code shardId} through children. */
    public List<String> descendantsOf(String shardId) {
        return reachable(shardId, this::childrenOf);
    }

    /**
     * Every shard reachable from {@code shardId} through parents, including parents that are no
     * longer listed (their ids are known from their children).
     */
    public List<String> ancestorsOf(String shardId) {
        return reachable(shardId, this::parentsOf);
    }

    private static List<String> reachable(String from, Function<String, List<String>> step) {
        List<String> out = new ArrayList<>();
        List<String> frontier = new ArrayList<>(step.apply(from));
        while (!frontier.isEmpty()) {
            String next = frontier.remove(frontier.size() - 1);
            if (!out.contains(next)) {
                out.add(next);
                frontier.addAll(step.apply(next));
            }
        }
        return out;
    }

    /** The shard with the greatest id, for incremental listing, or null when empty. */
    public String lastShardId() {
        String last = null;
        for (String id : shards.keySet()) {
            if (last == null || ShardIds.compare(id, last) > 0) {
                last = id;
            }
        }
        return last;
    }
}
