package io.github.kinesisconsumer.group;

import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.store.Checkpoint;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/** A {@link ConsumerGroup} that passes every call to another; tests override what they watch. */
abstract class ForwardingGroup implements ConsumerGroup {

    private final ConsumerGroup group;

    ForwardingGroup(ConsumerGroup group) {
        this.group = group;
    }

    @Override
    public void start(String streamName) {
        group.start(streamName);
    }

    @Override
    public void shardsDiscovered(Collection<ShardInfo> shards) {
        group.shardsDiscovered(shards);
    }

    @Override
    public Set<String> ownedShards() {
        return group.ownedShards();
    }

    @Override
    public boolean holds(String shardId) {
        return group.holds(shardId);
    }

    @Override
    public Set<String> handOffRequested() {
        return group.handOffRequested();
    }

    @Override
    public Optional<Checkpoint> leaseCheckpoint(String shardId) {
        return group.leaseCheckpoint(shardId);
    }

    @Override
    public boolean checkpoint(String shardId, Checkpoint checkpoint) {
        return group.checkpoint(shardId, checkpoint);
    }

    @Override
    public boolean finished(String shardId, Checkpoint checkpoint) {
        return group.finished(shardId, checkpoint);
    }

    @Override
    public void release(String shardId) {
        group.release(shardId);
    }

    @Override
    public void close() {
        group.close();
    }
}
