package io.github.kinesisconsumer.kinesis.read;

import io.github.kinesisconsumer.annotation.Internal;
import io.github.kinesisconsumer.kinesis.KinesisRecord;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.aggregation.RecordDeaggregator;
import io.github.kinesisconsumer.kinesis.aggregation.UserRecord;
import io.github.kinesisconsumer.kinesis.wire.RawRecord;

import java.util.List;
import java.util.function.Consumer;

/**
 * Turns the raw records of a {@link FetchResult} into {@link KinesisRecord}s: splits KPL aggregates
 * (when enabled) and drops the user records that a position inside an aggregate says were already
 * consumed. A whole record counts as user record 0 (as the KCL numbers it): a position inside a
 * record that turns out to be whole says the record was consumed.
 */
@Internal
public final class RecordDecoder {

    private final String streamName;
    private final boolean deaggregate;

    public RecordDecoder(String streamName, boolean deaggregate) {
        this.streamName = streamName;
        this.deaggregate = deaggregate;
    }

    /** Passes each user record of {@code result} to {@code sink}, in order. */
    public void decode(FetchResult result, Consumer<KinesisRecord> sink) {
        StartingPosition resume = result.resumeInside();
        String shardId = result.shardId();
        for (RawRecord record : result.records()) {
            byte[] bytes = record.data();
            long arrival = record.arrivalMillis();
            boolean resumesHere =
                    resume != null && resume.sequenceNumber().equals(record.sequenceNumber());
            if (!deaggregate || !RecordDeaggregator.isAggregated(bytes)) {
                if (resumesHere && !RecordDeaggregator.isAggregated(bytes)) {
                    continue;
                }
                sink.accept(
                        new KinesisRecord(
                                streamName,
                                shardId,
                                record.partitionKey(),
                                null,
                                record.sequenceNumber(),
                                StartingPosition.NO_SUB_SEQUENCE,
                                arrival,
                                bytes,
                                0,
                                bytes.length));
                continue;
            }
            long skipUpTo = resumesHere ? resume.subSequenceNumber() : -1;
            List<UserRecord> users = RecordDeaggregator.deaggregate(record);
            for (UserRecord user : users) {
                if (user.aggregated() && user.subSequenceNumber() <= skipUpTo) {
                    continue;
                }
                sink.accept(
                        new KinesisRecord(
                                streamName,
                                shardId,
                                user.partitionKey(),
                                user.explicitHashKey(),
                                record.sequenceNumber(),
                                user.aggregated()
                                        ? user.subSequenceNumber()
                                        : StartingPosition.NO_SUB_SEQUENCE,
                                arrival,
                                user.dataArray(),
                                user.dataOffset(),
                                user.dataLength()));
            }
        }
    }
}
