package io.github.kinesisconsumer.store;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import java.util.Objects;

/** Identifies a checkpoint: application, stream and shard. */
@PublicEvolving
public final class CheckpointKey {

    private final String appName;
    private final String streamName;
    private final String shardId;

    public CheckpointKey(String appName, String streamName, String shardId) {
        this.appName = requireText(appName, "appName");
        this.streamName = requireText(streamName, "streamName");
        this.shardId = requireText(shardId, "shardId");
    }

    static String requireText(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }

    public String appName() {
        return appName;
    }

    public String streamName() {
        return streamName;
    }

    public String shardId() {
        return shardId;
    }

    /**
     * The namespace of harlow/kinesis-consumer's SQL and DynamoDB stores: {@code
     * <appName>-<streamName>}. Like the Go library's, it is ambiguous when names contain '-': app
     * "a-b" with stream "c" shares the namespace of app "a" with stream "b-c", so such pairs must
     * not use the same table.
     */
    public String namespace() {
        return namespace(appName, streamName);
    }

    public static String namespace(String appName, String streamName) {
        return appName + "-" + streamName;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CheckpointKey)) {
            return false;
        }
        CheckpointKey that = (CheckpointKey) o;
        return appName.equals(that.appName)
                && streamName.equals(that.streamName)
                && shardId.equals(that.shardId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(appName, streamName, shardId);
    }

    @Override
    public String toString() {
        return appName + "/" + streamName + "/" + shardId;
    }
}
