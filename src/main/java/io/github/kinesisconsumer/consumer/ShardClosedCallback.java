package io.github.kinesisconsumer.consumer;

/** Told when a shard has been read to its end (after a split or merge). */
@FunctionalInterface
public interface ShardClosedCallback {

    void shardClosed(String shardId);
}
