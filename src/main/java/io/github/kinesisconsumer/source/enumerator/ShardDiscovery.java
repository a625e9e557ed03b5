package io.github.kinesisconsumer.source.enumerator;

import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.StreamRef;
import io.github.kinesisconsumer.kinesis.discovery.ShardLister;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreFactory;
import io.github.kinesisconsumer.store.StoredPositions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One discovery round, on the enumerator's worker thread: the shards created since the last round
 * (ListShards after the newest known shard id), or every shard the stream still retains (a full
 * listing, at the first round and then at most every {@code fullListingInterval}, so shards gone
 * past retention are noticed); at the first round also the stored checkpoints.
 */
final class ShardDiscovery {

    private static final Logger LOG = LoggerFactory.getLogger(ShardDiscovery.class);

    /** How often a full listing looks for shards gone past retention, by default. */
    static final Duration DEFAULT_FULL_LISTING_INTERVAL = Duration.ofMinutes(10);

    private final ShardLister lister;
    private final StreamRef stream;
    private final StartingPosition initialPosition;
    private final String appName;
    @Nullable private final CheckpointStoreFactory checkpointStore;
    private final Duration fullListingInterval;
    private long lastFullListingNanos;
    private boolean listedFully;

    ShardDiscovery(
            ShardLister lister,
            StreamRef stream,
            StartingPosition initialPosition,
            String appName,
            @Nullable CheckpointStoreFactory checkpointStore,
            Duration fullListingInterval) {
        this.lister = lister;
        this.stream = stream;
        this.initialPosition = initialPosition;
        this.appName = appName;
        this.checkpointStore = checkpointStore;
        this.fullListingInterval = fullListingInterval;
    }

    /**
     * Lists shards: all of them when {@code newestKnown} is null (the first round) or a full
     * listing is due, else those after {@code newestKnown}.
     */
    Listing list(@Nullable String newestKnown) {
        long startedMillis = System.currentTimeMillis();
        boolean first = newestKnown == null;
        if (!first
                && listedFully
                && System.nanoTime() - lastFullListingNanos < fullListingInterval.toNanos()) {
            return new Listing(lister.listAfter(newestKnown), null, startedMillis, false);
        }
        List<ShardInfo> shards = lister.listAll();
        lastFullListingNanos = System.nanoTime();
        listedFully = true;
        Map<String, Checkpoint> stored = null;
        if (first && initialPosition.type() == StartingPosition.Type.FROM_STORE) {
            stored = readStore();
        } else if (first && initialPosition.type() == StartingPosition.Type.PER_SHARD) {
            stored = StoredPositions.checkpointsOf(initialPosition);
        }
        return new Listing(shards, stored, startedMillis, true);
    }

    private Map<String, Checkpoint> readStore() {
        Map<String, Checkpoint> stored;
        try (CheckpointStore store = checkpointStore.create()) {
            stored = store.getAll(appName, stream.name());
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot read the starting positions of app '"
                            + appName
                            + "' for stream "
                            + stream
                            + " from the checkpoint store; the job cannot start without"
                            + " them (fix the store, or start from an explicit position)",
                    e);
        }
        LOG.info(
                "read {} stored checkpoint(s) of app '{}' for stream {}",
                stored.size(),
                appName,
                stream);
        return stored;
    }

    /**
     * What one round found: the shards, when the round started, whether the listing was full, and
     * (first round only) the stored checkpoints.
     */
    static final class Listing {
        final List<ShardInfo> shards;
        @Nullable final Map<String, Checkpoint> stored;
        final long startedMillis;
        final boolean full;

        Listing(
                List<ShardInfo> shards,
                @Nullable Map<String, Checkpoint> stored,
                long startedMillis,
                boolean full) {
            this.shards = shards;
            this.stored = stored;
            this.startedMillis = startedMillis;
            this.full = full;
        }
    }
}
