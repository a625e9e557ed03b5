package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointKey;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.memory.InMemoryCheckpointStore;

import java.util.Map;
import java.util.Optional;

/** One in-memory store for the whole test JVM, so MiniCluster tasks and the test share it. */
final class SharedMemoryStore implements CheckpointStore {

    static final InMemoryCheckpointStore INSTANCE = new InMemoryCheckpointStore();

    @Override
    public Optional<Checkpoint> get(CheckpointKey key) {
        return INSTANCE.get(key);
    }

    @Override
    public Map<String, Checkpoint> getAll(String appName, String streamName) {
        return INSTANCE.getAll(appName, streamName);
    }

    @Override
    public void putAll(String appName, String streamName, Map<String, Checkpoint> checkpoints) {
        INSTANCE.putAll(appName, streamName, checkpoints);
    }

    @Override
    public void delete(CheckpointKey key) {
        INSTANCE.delete(key);
    }

    @Override
    public void close() {}
}
