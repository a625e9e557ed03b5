package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.annotation.PublicEvolving;

/**
 * Handles one record. Called concurrently for different shards, in order within a shard. A thrown
 * exception stops the scan; the record is not checkpointed.
 */
@FunctionalInterface
@PublicEvolving
public interface ScanFunction {

    ScanResult scan(ScanRecord record) throws Exception;
}
