package io.github.kinesisconsumer.group;

import java.util.List;

/** A shard lease as read from the lease table. */
final class Lease {

    final String shardId;
    final String owner;
    final long counter;
    final long expiresAtMillis;
    final List<String> parents;
    final boolean finished;
    final String handoffTo;
    final String checkpointSequence;
    final long checkpointSubSequence;

    Lease(
            String shardId,
            String owner,
            long counter,
            long expiresAtMillis,
            List<String> parents,
            boolean finished,
            String handoffTo,
            String checkpointSequence,
            long checkpointSubSequence) {
        this.shardId = shardId;
        this.owner = owner;
        this.counter = counter;
        this.expiresAtMillis = expiresAtMillis;
        this.parents = parents;
        this.finished = finished;
        this.handoffTo = handoffTo;
        this.checkpointSequence = checkpointSequence;
        this.checkpointSubSequence = checkpointSubSequence;
    }

    boolean isHeldAt(long nowMillis) {
        return owner != null && expiresAtMillis > nowMillis;
    }

    @Override
    public String toString() {
        return shardId
                + "{owner="
                + owner
                + ", counter="
                + counter
                + (finished ? ", finished" : "")
                + (handoffTo != null ? ", handoffTo=" + handoffTo : "")
                + "}";
    }
}
