package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.kinesis.Backoff;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointKey;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The standalone consumer's checkpoint writes: retried with backoff, then failing the scan. */
final class StoreWrites {

    private static final Logger LOG = LoggerFactory.getLogger(StoreWrites.class);

    private StoreWrites() {}

    /**
     * Writes {@code checkpoint} under {@code key}, up to {@code attempts} times.
     *
     * @throws CheckpointStoreException after the last attempt failed, naming the shard and the fix
     */
    static void put(
            CheckpointStore store,
            CheckpointKey key,
            Checkpoint checkpoint,
            int attempts,
            Backoff backoff) {
        for (int attempt = 1; ; attempt++) {
            try {
                store.put(key, checkpoint);
                return;
            } catch (CheckpointStoreException e) {
                if (attempt >= attempts) {
                    throw new CheckpointStoreException(
                            "checkpoint "
                                    + checkpoint
                                    + " of shard "
                                    + key.shardId()
                                    + " could not be written after "
                                    + attempt
                                    + " attempts; the scan stops (raise checkpointAttempts or"
                                    + " fix the store): "
                                    + e.getMessage(),
                            e);
                }
                long delay = backoff.delayMillis(attempt);
                LOG.warn(
                        "checkpoint write for shard {} failed (attempt {} of {}), retrying in {}"
                                + " ms: {}",
                        key.shardId(),
                        attempt,
                        attempts,
                        delay,
                        e.toString());
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
