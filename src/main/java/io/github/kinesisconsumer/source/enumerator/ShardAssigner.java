package io.github.kinesisconsumer.source.enumerator;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** Balances shards across readers by count: each new shard goes to the least-loaded reader. */
final class ShardAssigner {

    private final Map<String, Integer> owners = new HashMap<>();
    private final Map<Integer, Integer> load = new HashMap<>();

    /** The registered reader with the fewest shards (lowest index on ties), or -1 if none. */
    int pick(Collection<Integer> readers) {
        int best = -1;
        int bestLoad = Integer.MAX_VALUE;
        for (int reader : readers) {
            int l = load.getOrDefault(reader, 0);
            if (l < bestLoad || (l == bestLoad && reader < best)) {
                best = reader;
                bestLoad = l;
            }
        }
        return best;
    }

    void assigned(String shardId, int reader) {
        Integer previous = owners.put(shardId, reader);
        if (previous != null) {
            load.merge(previous, -1, Integer::sum);
        }
        load.merge(reader, 1, Integer::sum);
    }

    void released(String shardId) {
        Integer owner = owners.remove(shardId);
        if (owner != null) {
            load.merge(owner, -1, Integer::sum);
        }
    }

    /** The reader a shard was last assigned to, or -1. */
    int ownerOf(String shardId) {
        return owners.getOrDefault(shardId, -1);
    }
}
