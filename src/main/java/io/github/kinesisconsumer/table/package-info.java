/**
 * Flink SQL / Table API connector {@code kinesis-consumer}: a {@link
 * org.apache.flink.table.factories.DynamicTableSourceFactory} that reads a Kinesis stream with
 * {@link io.github.kinesisconsumer.source.KinesisSource}, decodes payloads with any Flink format,
 * and exposes the records' shard id, sequence number, partition key and arrival time as metadata
 * columns.
 */
package io.github.kinesisconsumer.table;
