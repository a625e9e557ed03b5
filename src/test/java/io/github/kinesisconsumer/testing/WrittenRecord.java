package io.github.kinesisconsumer.testing;

import java.nio.charset.StandardCharsets;

/** A record a test wrote, with where Kinesis put it. */
public final class WrittenRecord {
    public final String partitionKey;
    public final byte[] data;
    public final String shardId;
    public final String sequenceNumber;

    WrittenRecord(String partitionKey, byte[] data, String shardId, String sequenceNumber) {
        this.partitionKey = partitionKey;
        this.data = data;
        this.shardId = shardId;
        this.sequenceNumber = sequenceNumber;
    }

    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return shardId + "/" + sequenceNumber + " " + partitionKey;
    }
}
