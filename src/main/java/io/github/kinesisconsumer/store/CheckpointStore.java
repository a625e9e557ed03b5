package io.github.kinesisconsumer.store;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import java.util.Map;
import java.util.Optional;

/**
 * Keeps shard checkpoints outside Flink. Implementations are thread-safe.
 *
 * <p>Writes never move a position backwards: a put whose checkpoint is not after the stored one
 * (see {@link Checkpoint#isAfter}) leaves the stored one in place, atomically in the store, so a
 * late or duplicate write from any process cannot regress it. A store that cannot be reached throws
 * {@link CheckpointStoreException}; it never answers "no checkpoint" instead.
 */
@PublicEvolving
public interface CheckpointStore extends AutoCloseable {

    /** The checkpoint of one shard, or empty if none is stored. */
    Optional<Checkpoint> get(CheckpointKey key);

    /** Every stored checkpoint of a stream for an application, by shard id. */
    Map<String, Checkpoint> getAll(String appName, String streamName);

    /** Stores a checkpoint unless the stored one is already at or after it. */
    default void put(CheckpointKey key, Checkpoint checkpoint) {
        putAll(key.appName(), key.streamName(), Map.of(key.shardId(), checkpoint));
    }

    /**
     * Stores checkpoints of several shards, in one round trip where the store allows; each one is
     * kept only if it is after the stored one.
     */
    void putAll(String appName, String streamName, Map<String, Checkpoint> checkpoints);

    /** Removes a shard's checkpoint (no error if absent). */
    void delete(CheckpointKey key);

    /** Writes anything buffered. A no-op for stores that write through. */
    default void flush() {}

    @Override
    void close();
}
