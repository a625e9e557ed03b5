package io.github.kinesisconsumer.consumer;

import java.util.List;

/**
 * Handles a batch of records of one shard, in order. Never called concurrently. The checkpoint
 * advances past the batch only when this returns; a thrown exception stops the scan and the batch
 * is not checkpointed.
 */
@FunctionalInterface
public interface BatchFunction {

    void process(List<Record> batch) throws Exception;
}
