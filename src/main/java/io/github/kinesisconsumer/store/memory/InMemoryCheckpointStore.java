package io.github.kinesisconsumer.store.memory;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointKey;
import io.github.kinesisconsumer.store.CheckpointStore;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Checkpoints in this JVM's memory: for tests and single-process use. */
@PublicEvolving
public final class InMemoryCheckpointStore implements CheckpointStore {

    private final ConcurrentHashMap<CheckpointKey, Checkpoint> checkpoints =
            new ConcurrentHashMap<>();

    @Override
    public Optional<Checkpoint> get(CheckpointKey key) {
        return Optional.ofNullable(checkpoints.get(key));
    }

    @Override
    public Map<String, Checkpoint> getAll(String appName, String streamName) {
        Map<String, Checkpoint> out = new HashMap<>();
        checkpoints.forEach(
                (key, value) -> {
                    if (key.appName().equals(appName) && key.streamName().equals(streamName)) {
                        out.put(key.shardId(), value);
                    }
                });
        return out;
    }

    @Override
    public void putAll(String appName, String streamName, Map<String, Checkpoint> batch) {
        batch.forEach(
                (shardId, checkpoint) ->
                        checkpoints.merge(
                                new CheckpointKey(appName, streamName, shardId),
                                checkpoint,
                                (old, fresh) -> fresh.isAfter(old) ? fresh : old));
    }

    @Override
    public void delete(CheckpointKey key) {
        checkpoints.remove(key);
    }

    @Override
    public void close() {}
}
