/**
 * The standalone consumer: {@link io.github.kinesisconsumer.consumer.KinesisConsumer} scans a
 * stream outside Flink with the semantics of harlow/kinesis-consumer, checkpointing into the same
 * stores as the Flink source.
 */
package io.github.kinesisconsumer.consumer;
