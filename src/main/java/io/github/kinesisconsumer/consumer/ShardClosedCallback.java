package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.annotation.PublicEvolving;

/** Told when a shard has been read to its end (after a split or merge). */
@FunctionalInterface
@PublicEvolving
public interface ShardClosedCallback {

    void shardClosed(String shardId);
}
