/**
 * Reading shards: one engine ({@code ShardReadingEngine}) that owns the shards being read, their
 * start, pause and resume, the buffer budget and the hand-over of results, and two transports that
 * only fetch: GetRecords polling and SubscribeToShard (enhanced fan-out). Records enter the library
 * here, as {@code FetchResult}s of a {@code ShardReader}.
 */
package io.github.kinesisconsumer.kinesis.read;
