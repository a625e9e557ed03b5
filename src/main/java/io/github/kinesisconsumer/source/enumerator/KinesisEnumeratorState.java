package io.github.kinesisconsumer.source.enumerator;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.source.split.ShardSplit;

import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * What the enumerator checkpoints: the shards it knows, which are assigned to some reader, which
 * are finished, the splits not yet assigned, and whether the first discovery is done (shards found
 * later start at TRIM_HORIZON).
 */
@PublicEvolving
public final class KinesisEnumeratorState {

    private final List<ShardInfo> knownShards;
    private final Set<String> assignedShards;
    private final Set<String> finishedShards;
    private final List<ShardSplit> unassignedSplits;
    private final boolean initialDiscoveryDone;
    private final long stopAtArrivalMillis;

    public KinesisEnumeratorState(
            List<ShardInfo> knownShards,
            Set<String> assignedShards,
            Set<String> finishedShards,
            List<ShardSplit> unassignedSplits,
            boolean initialDiscoveryDone,
            long stopAtArrivalMillis) {
        this.knownShards = Collections.unmodifiableList(knownShards);
        this.assignedShards = Collections.unmodifiableSet(assignedShards);
        this.finishedShards = Collections.unmodifiableSet(finishedShards);
        this.unassignedSplits = Collections.unmodifiableList(unassignedSplits);
        this.initialDiscoveryDone = initialDiscoveryDone;
        this.stopAtArrivalMillis = stopAtArrivalMillis;
    }

    public List<ShardInfo> knownShards() {
        return knownShards;
    }

    public Set<String> assignedShards() {
        return assignedShards;
    }

    public Set<String> finishedShards() {
        return finishedShards;
    }

    public List<ShardSplit> unassignedSplits() {
        return unassignedSplits;
    }

    public boolean initialDiscoveryDone() {
        return initialDiscoveryDone;
    }

    /** The bounded-mode stop time fixed at the first start, or {@link ShardSplit#NO_STOP}. */
    public long stopAtArrivalMillis() {
        return stopAtArrivalMillis;
    }
}
