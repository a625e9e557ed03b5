/**
 * A checkpoint store in DynamoDB, in the table layout of harlow/kinesis-consumer ({@code
 * namespace}, {@code shard_id}, {@code sequence_number}) with extra attributes for sub-sequence
 * numbers, finished shards and atomic no-regression writes. Needs {@code
 * software.amazon.awssdk:dynamodb} on the class path.
 */
package io.github.kinesisconsumer.store.dynamodb;
