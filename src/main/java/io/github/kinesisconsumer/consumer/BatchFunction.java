package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import java.util.List;

/**
 * Handles a batch of records of one shard, in order. Never called concurrently. The checkpoint
 * advances past the batch only when this returns; a thrown exception stops the scan and the batch
 * is not checkpointed.
 */
@FunctionalInterface
@PublicEvolving
public interface BatchFunction {

    void process(List<ScanRecord> batch) throws Exception;
}
