/**
 * Kinesis Data Streams as both the Flink source and the standalone consumer see it: client settings
 * and credentials, starting positions, stream references, records, reader options and errors. Shard
 * discovery lives in {@code discovery}, shard reading in {@code read}, KPL de-aggregation in {@code
 * aggregation}.
 */
package io.github.kinesisconsumer.kinesis;
