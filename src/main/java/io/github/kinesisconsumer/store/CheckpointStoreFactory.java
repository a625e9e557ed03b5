package io.github.kinesisconsumer.store;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import java.io.Serializable;

/**
 * Creates a {@link CheckpointStore} where it is used (on Flink's JobManager and TaskManagers), so
 * that only this small serializable recipe travels in the job graph. A lambda works:
 *
 * <pre>{@code
 * CheckpointStoreFactory stores =
 *     () -> RedisCheckpointStore.builder().url("redis://cache:6379").build();
 * }</pre>
 */
@FunctionalInterface
@PublicEvolving
public interface CheckpointStoreFactory extends Serializable {

    CheckpointStore create();
}
