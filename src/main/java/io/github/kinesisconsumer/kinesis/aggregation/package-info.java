/**
 * De-aggregation of records written by the Kinesis Producer Library (KPL).
 *
 * <p>The KPL packs many small <em>user records</em> into one Kinesis record: the 4 magic bytes
 * {@code F3 89 9A C2}, a protobuf-encoded {@code AggregatedRecord} message, and the 16-byte MD5
 * digest of that message. {@link io.github.kinesisconsumer.kinesis.aggregation.RecordDeaggregator}
 * splits such records back into {@link io.github.kinesisconsumer.kinesis.aggregation.UserRecord}s
 * (and passes every other record through unchanged); {@link
 * io.github.kinesisconsumer.kinesis.aggregation.AggregatedRecordEncoder} builds them, for tests,
 * benchmarks and simple producers. No protobuf library is needed.
 */
package io.github.kinesisconsumer.kinesis.aggregation;
