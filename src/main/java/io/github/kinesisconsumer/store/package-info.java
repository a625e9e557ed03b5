/**
 * Checkpoint stores: where shard positions are kept outside Flink, keyed by {@code [appName,
 * streamName, shardId]}, in the table layouts of harlow/kinesis-consumer.
 */
package io.github.kinesisconsumer.store;
