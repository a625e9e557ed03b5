package io.github.kinesisconsumer.source.reader;

import io.github.kinesisconsumer.kinesis.KinesisRecord;
import io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema;
import io.github.kinesisconsumer.source.split.ShardSplitState;

import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Deserializes a record, emits its values with the arrival time as timestamp, then moves the
 * split's position past it. A record the deserializer throws on fails the reader with its shard and
 * sequence number, or, when skipping is on, is logged, counted and passed over.
 */
final class KinesisRecordEmitter<T> implements RecordEmitter<KinesisRecord, T, ShardSplitState> {

    static final String SKIPPED_METRIC = "numRecordsSkipped";

    private static final Logger LOG = LoggerFactory.getLogger(KinesisRecordEmitter.class);

    private final KinesisDeserializationSchema<T> deserializer;
    private final boolean skipFailures;
    private final Counter skipped;
    private final TimestampedCollector<T> collector = new TimestampedCollector<>();

    KinesisRecordEmitter(
            KinesisDeserializationSchema<T> deserializer, boolean skipFailures, Counter skipped) {
        this.deserializer = deserializer;
        this.skipFailures = skipFailures;
        this.skipped = skipped;
    }

    @Override
    public void emitRecord(KinesisRecord record, SourceOutput<T> output, ShardSplitState state)
            throws Exception {
        collector.output = output;
        collector.timestamp = record.approximateArrivalMillis();
        try {
            deserializer.deserialize(record, collector);
        } catch (DownstreamFailure e) {
            throw e.original;
        } catch (IOException | RuntimeException e) {
            String what = describe(record);
            if (!skipFailures) {
                throw new IOException(
                        "cannot deserialize "
                                + what
                                + ": "
                                + e
                                + " (to skip such records instead of failing, set "
                                + ReaderOptions.SKIP_UNDESERIALIZABLE_RECORDS.key()
                                + " or call skipUndeserializableRecords() on the builder)",
                        e);
            }
            skipped.inc();
            LOG.warn("skipping {}: the deserializer failed: {}", what, e.toString());
        }
        state.setPosition(record.sequenceNumber(), record.subSequenceNumber());
    }

    private static String describe(KinesisRecord record) {
        return "record "
                + record.sequenceNumber()
                + (record.isAggregated() ? "/" + record.subSequenceNumber() : "")
                + " of shard "
                + record.shardId()
                + " of stream "
                + record.streamName();
    }

    private static final class TimestampedCollector<T> implements Collector<T> {
        SourceOutput<T> output;
        long timestamp;

        @Override
        public void collect(T value) {
            try {
                output.collect(value, timestamp);
            } catch (RuntimeException e) {
                throw new DownstreamFailure(e);
            }
        }

        @Override
        public void close() {}
    }

    /** Carries a failure of a downstream operator past the deserializer's error handling. */
    private static final class DownstreamFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final RuntimeException original;

        DownstreamFailure(RuntimeException original) {
            super(null, null, false, false);
            this.original = original;
        }
    }
}
