/**
 * Shared access to Kinesis Data Streams: client settings, shard listing, shard lineage, starting
 * positions, shard polling and KPL de-aggregation. Used by both the Flink source and the standalone
 * consumer.
 */
package io.github.kinesisconsumer.kinesis;
