package io.github.kinesisconsumer.consumer;

/**
 * Handles one record. Called concurrently for different shards, in order within a shard. A thrown
 * exception stops the scan; the record is not checkpointed.
 */
@FunctionalInterface
public interface ScanFunction {

    ScanResult scan(Record record) throws Exception;
}
