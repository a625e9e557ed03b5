package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.kinesis.KinesisRecord;

import java.time.Instant;

/** A record delivered to a scan callback, with where it came from. */
@PublicEvolving
public final class ScanRecord {

    private final KinesisRecord record;
    private final long millisBehindLatest;

    ScanRecord(KinesisRecord record, long millisBehindLatest) {
        this.record = record;
        this.millisBehindLatest = millisBehindLatest;
    }

    /** The payload; shared with the fetched response, do not modify. */
    public byte[] data() {
        return record.data();
    }

    public String dataAsString() {
        return record.dataAsString();
    }

    public String partitionKey() {
        return record.partitionKey();
    }

    public String sequenceNumber() {
        return record.sequenceNumber();
    }

    /** Index inside a KPL aggregate, or -1 for a plain record. */
    public long subSequenceNumber() {
        return record.subSequenceNumber();
    }

    public Instant approximateArrivalTimestamp() {
        return Instant.ofEpochMilli(record.approximateArrivalMillis());
    }

    public String shardId() {
        return record.shardId();
    }

    /** The shard's lag when this record was fetched, or -1 if unknown. */
    public long millisBehindLatest() {
        return millisBehindLatest;
    }

    KinesisRecord kinesisRecord() {
        return record;
    }

    @Override
    public String toString() {
        return record.toString();
    }
}
