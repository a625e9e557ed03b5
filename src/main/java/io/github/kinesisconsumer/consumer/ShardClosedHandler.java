package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.annotation.PublicEvolving;

/**
 * Told when a shard has been read to its end (after a split or merge), once its last records were
 * handled and checkpointed. Throwing fails the scan with this exception as its cause, as Go's
 * {@code WithShardClosedHandler} does when the handler returns an error.
 */
@FunctionalInterface
@PublicEvolving
public interface ShardClosedHandler {

    void shardClosed(String streamName, String shardId) throws Exception;
}
