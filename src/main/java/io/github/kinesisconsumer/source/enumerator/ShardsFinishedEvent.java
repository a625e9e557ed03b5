package io.github.kinesisconsumer.source.enumerator;

import io.github.kinesisconsumer.annotation.Internal;

import org.apache.flink.api.connector.source.SourceEvent;

import java.util.ArrayList;
import java.util.List;

/** Sent by a reader when it has read shards to their end, so their children can be assigned. */
@Internal
public final class ShardsFinishedEvent implements SourceEvent {

    private static final long serialVersionUID = 1L;

    private final ArrayList<String> shardIds;

    public ShardsFinishedEvent(List<String> shardIds) {
        this.shardIds = new ArrayList<>(shardIds);
    }

    public List<String> shardIds() {
        return shardIds;
    }

    @Override
    public String toString() {
        return "ShardsFinishedEvent" + shardIds;
    }
}
