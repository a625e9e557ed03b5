/**
 * What there is to read: listing a stream's shards, their lineage (parents before children), and
 * the stream consumer that enhanced fan-out subscribes through.
 */
package io.github.kinesisconsumer.kinesis.discovery;
