package io.github.kinesisconsumer.source.enumerator;

import io.github.kinesisconsumer.annotation.Internal;

import org.apache.flink.api.connector.source.SourceEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * Sent by a reader when it starts: the shards it reads (restored from its state), so the enumerator
 * knows each reader's load after a restore or a rescale.
 */
@Internal
public final class OwnedShardsEvent implements SourceEvent {

    private static final long serialVersionUID = 1L;

    private final ArrayList<String> shardIds;

    public OwnedShardsEvent(List<String> shardIds) {
        this.shardIds = new ArrayList<>(shardIds);
    }

    public List<String> shardIds() {
        return shardIds;
    }

    @Override
    public String toString() {
        return "OwnedShardsEvent" + shardIds;
    }
}
