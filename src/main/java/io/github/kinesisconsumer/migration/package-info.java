/**
 * Moving onto this library without reprocessing: read where an earlier consumer stopped (a legacy
 * {@code FlinkKinesisConsumer} savepoint, a KCL lease table, a harlow/kinesis-consumer group),
 * check it against the stream, and start there: through a checkpoint store, or directly as a
 * starting position.
 */
package io.github.kinesisconsumer.migration;
