package io.github.kinesisconsumer.source.enumerator;

import io.github.kinesisconsumer.annotation.Internal;
import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.FanOutOptions;
import io.github.kinesisconsumer.kinesis.KinesisCallException;
import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.StreamNotFoundException;
import io.github.kinesisconsumer.kinesis.StreamRef;
import io.github.kinesisconsumer.kinesis.discovery.ShardLineage;
import io.github.kinesisconsumer.kinesis.discovery.ShardLister;
import io.github.kinesisconsumer.source.split.ShardSplit;
import io.github.kinesisconsumer.store.CheckpointStoreFactory;
import io.github.kinesisconsumer.store.StoredPositions;

import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import javax.annotation.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Discovers the shards of a stream and assigns them to readers as splits.
 *
 * <p>Shards are listed at start and every discovery interval. A shard is assigned once all its
 * parents are finished, to the reader with the fewest shards; readers that register late get shards
 * at once. When a reader reports a finished shard, its ready children are assigned immediately
 * (listing again first if they are not known yet). Shards found after the first discovery start at
 * TRIM_HORIZON.
 *
 * <p>After a reader fails, {@link #addSplitsBack} returns the splits assigned to it since the last
 * completed checkpoint, and the finishes it reported since then are forgotten: the restored reader
 * reads those shards to their end again, and only then are their children assigned.
 */
@Internal
public final class ShardEnumerator implements SplitEnumerator<ShardSplit, KinesisEnumeratorState> {

    private static final Logger LOG = LoggerFactory.getLogger(ShardEnumerator.class);

    /** How long the first assignment waits for every reader to register, by default. */
    public static final Duration DEFAULT_REGISTRATION_TIMEOUT = Duration.ofSeconds(30);

    private final SplitEnumeratorContext<ShardSplit> context;
    private final StreamRef stream;
    private final ClientSettings clientSettings;
    private final StartingPosition initialPosition;
    private final String appName;
    @Nullable private final CheckpointStoreFactory checkpointStore;
    private StoredPositions stored = new StoredPositions(Map.of());
    private final Duration discoveryInterval;
    private final boolean bounded;
    private final long stopAtArrivalMillis;

    private final ShardLineage lineage = new ShardLineage();
    private final Set<String> assigned = new LinkedHashSet<>();
    private final Set<String> finished = new HashSet<>();
    private final Map<String, ShardSplit> unassigned = new LinkedHashMap<>();
    private ShardAssigner assigner = new ShardAssigner(DEFAULT_REGISTRATION_TIMEOUT);
    private Duration registrationTimeout = DEFAULT_REGISTRATION_TIMEOUT;
    private final UncheckpointedFinishes recentFinishes = new UncheckpointedFinishes();
    private final Set<Integer> noMoreSplitsSignalled = new HashSet<>();
    private boolean initialDiscoveryDone;
    private volatile boolean listIncrementally;
    private volatile String lastListedShardId;
    private boolean discoveryRunning;
    private int listShardsAttempts = ShardLister.DEFAULT_ATTEMPTS;

    private KinesisAsyncClient client;
    private ShardDiscovery discovery;
    private Duration fullListingInterval = ShardDiscovery.DEFAULT_FULL_LISTING_INTERVAL;

    @Nullable private final FanOutConsumerLifecycle fanOut;

    /**
     * An enumerator that, with {@code fanOut} set, finds or registers the stream consumer before
     * the first shards are assigned, and deregisters it in {@link #close()} if it registered it.
     */
    public ShardEnumerator(
            SplitEnumeratorContext<ShardSplit> context,
            StreamRef stream,
            ClientSettings clientSettings,
            StartingPosition initialPosition,
            String appName,
            @Nullable CheckpointStoreFactory checkpointStore,
            Duration discoveryInterval,
            boolean bounded,
            long stopAtArrivalMillis,
            @Nullable KinesisEnumeratorState restored,
            @Nullable FanOutOptions fanOut) {
        this.fanOut = fanOut == null ? null : new FanOutConsumerLifecycle(fanOut, stream);
        this.context = context;
        this.stream = stream;
        this.clientSettings = clientSettings;
        this.initialPosition = initialPosition;
        this.appName = appName;
        this.checkpointStore = checkpointStore;
        this.discoveryInterval = discoveryInterval;
        this.bounded = bounded;
        if (restored != null) {
            lineage.addAll(restored.knownShards());
            assigned.addAll(restored.assignedShards());
            finished.addAll(restored.finishedShards());
            for (ShardSplit split : restored.unassignedSplits()) {
                unassigned.put(split.shardId(), split);
            }
            initialDiscoveryDone = restored.initialDiscoveryDone();
            lastListedShardId = lineage.lastShardId();
            listIncrementally = initialDiscoveryDone && lastListedShardId != null;
            this.stopAtArrivalMillis = restored.stopAtArrivalMillis();
        } else {
            this.stopAtArrivalMillis = stopAtArrivalMillis;
        }
    }

    /**
     * ListShards attempts per discovery round (default {@value ShardLister#DEFAULT_ATTEMPTS}); set
     * before {@link #start()}.
     */
    public ShardEnumerator listShardsAttempts(int attempts) {
        this.listShardsAttempts = attempts;
        return this;
    }

    /**
     * How long the first assignment waits for every reader to register, and a failed reader's
     * shards wait for it to come back (default 30 s); set before {@link #start()}.
     */
    public ShardEnumerator readerRegistrationTimeout(Duration timeout) {
        this.registrationTimeout = timeout;
        this.assigner = new ShardAssigner(timeout);
        return this;
    }

    /** Lists through {@code client} instead of one made from the client settings (tests). */
    ShardEnumerator withClient(KinesisAsyncClient client) {
        this.client = client;
        return this;
    }

    /** How often a full listing looks for shards gone past retention (default 10 min). */
    ShardEnumerator fullListingInterval(Duration interval) {
        this.fullListingInterval = interval;
        return this;
    }

    @Override
    public void start() {
        if (client == null) {
            // polling lists shards through the blocking client, as the readers read: one HTTP
            // stack, and no Netty pool that can hold a retry after a refused connection
            client =
                    fanOut == null
                            ? clientSettings.createPollingClient()
                            : clientSettings.createAsyncClient();
        }
        discovery =
                new ShardDiscovery(
                        new ShardLister(
                                client, stream, clientSettings.describe(), listShardsAttempts),
                        stream,
                        initialPosition,
                        appName,
                        checkpointStore,
                        fullListingInterval);
        if (bounded || discoveryInterval.isZero()) {
            discoverNow();
        } else {
            context.callAsync(
                    this::listNewShards,
                    this::onShardsListed,
                    0,
                    Math.max(1, discoveryInterval.toMillis()));
        }
        long waitMillis = Math.max(1, registrationTimeout.toMillis());
        context.callAsync(() -> null, (none, error) -> assignReadySplits(), waitMillis, waitMillis);
    }

    private void discoverNow() {
        if (discoveryRunning) {
            return;
        }
        discoveryRunning = true;
        context.callAsync(this::listNewShards, this::onShardsListed);
    }

    /** Runs on a worker thread: reads only the volatile fields set by the coordinator thread. */
    private ShardDiscovery.Listing listNewShards() {
        if (fanOut != null) {
            fanOut.ensureRegistered(client);
        }
        return discovery.list(listIncrementally ? lastListedShardId : null);
    }

    private void onShardsListed(ShardDiscovery.Listing discovery, Throwable error) {
        discoveryRunning = false;
        if (error != null) {
            if (error instanceof StreamNotFoundException && !initialDiscoveryDone) {
                throw (StreamNotFoundException) error;
            }
            if (!initialDiscoveryDone && error instanceof IllegalStateException) {
                throw (IllegalStateException) error;
            }
            if (!initialDiscoveryDone && error instanceof KinesisCallException) {
                throw (KinesisCallException) error;
            }
            if (bounded || discoveryInterval.isZero()) {
                throw new IllegalStateException(
                        "shard discovery of stream "
                                + stream
                                + " failed, and no retry is scheduled"
                                + " (bounded mode or discovery interval 0); failing over",
                        error);
            }
            LOG.warn(
                    "shard discovery of stream {} failed; reading goes on and discovery is retried"
                            + " at the next interval",
                    stream,
                    error);
            return;
        }
        List<ShardInfo> listed = discovery.shards;
        List<ShardInfo> fresh = new ArrayList<>();
        for (ShardInfo shard : listed) {
            if (!lineage.contains(shard.shardId())) {
                fresh.add(shard);
            }
        }
        lineage.addAll(listed);
        if (discovery.full && initialDiscoveryDone) {
            forgetShardsNotListed(listed);
        }
        if (!initialDiscoveryDone && discovery.stored != null) {
            stored = new StoredPositions(discovery.stored);
            markFinishedFromStore();
        }
        for (ShardInfo shard : fresh) {
            if (assigned.contains(shard.shardId())
                    || finished.contains(shard.shardId())
                    || unassigned.containsKey(shard.shardId())) {
                continue;
            }
            StartingPosition position = positionForNewShard(shard, discovery.startedMillis);
            unassigned.put(
                    shard.shardId(),
                    ShardSplit.forShard(
                            shard, position, bounded ? stopAtArrivalMillis : ShardSplit.NO_STOP));
        }
        if (!fresh.isEmpty()) {
            LOG.info(
                    "discovered {} new shard(s) of stream {} ({} known, {} assigned, {} finished)",
                    fresh.size(),
                    stream,
                    lineage.size(),
                    assigned.size(),
                    finished.size());
        }
        initialDiscoveryDone = true;
        String last = lineage.lastShardId();
        if (last != null) {
            lastListedShardId = last;
            listIncrementally = true;
        }
        assignReadySplits();
    }

    /**
     * Shards found after the first discovery start at TRIM_HORIZON. At the first discovery a shard
     * resumes after its stored checkpoint; a shard without one starts at TRIM_HORIZON when an
     * ancestor has a stored checkpoint or is finished (see {@link StoredPositions}); any other
     * shard gets the configured position, with LATEST pinned to the time the discovery started: the
     * split keeps that moment, so a restore, an iterator refresh or a shard read only after its
     * parents never skips what arrived since.
     */
    private StartingPosition positionForNewShard(ShardInfo shard, long discoveryMillis) {
        if (initialDiscoveryDone) {
            return StartingPosition.trimHorizon();
        }
        StartingPosition base = initialPosition;
        if (base.type() == StartingPosition.Type.PER_SHARD) {
            StartingPosition given = base.shardPositions().get(shard.shardId());
            if (given != null) {
                return given;
            }
        }
        if (base.type() == StartingPosition.Type.FROM_STORE
                || base.type() == StartingPosition.Type.PER_SHARD) {
            base = base.fallback();
        }
        return stored.positionOf(
                shard.shardId(),
                lineage,
                finished,
                base.pinnedAt(java.time.Instant.ofEpochMilli(discoveryMillis)));
    }

    /**
     * Forgets the shards a full listing no longer returns (gone past retention), unless a reader
     * still reads one: the state then holds only what the stream retains.
     */
    private void forgetShardsNotListed(List<ShardInfo> listed) {
        Set<String> present = new HashSet<>();
        for (ShardInfo shard : listed) {
            present.add(shard.shardId());
        }
        List<String> gone = new ArrayList<>();
        for (ShardInfo shard : new ArrayList<>(lineage.shards())) {
            String id = shard.shardId();
            if (!present.contains(id) && !assigned.contains(id)) {
                gone.add(id);
                lineage.remove(id);
                finished.remove(id);
                unassigned.remove(id);
                recentFinishes.forget(id);
            }
        }
        if (!gone.isEmpty()) {
            LOG.info(
                    "forgot {} shard(s) of stream {} that are gone past retention ({} known)",
                    gone.size(),
                    stream,
                    lineage.size());
            LOG.debug("shards gone past retention: {}", gone);
        }
    }

    private void markFinishedFromStore() {
        Set<String> done = stored.finishedShards(lineage);
        finished.addAll(done);
        if (!done.isEmpty()) {
            LOG.info("shards finished according to the starting positions: {}", done);
        }
    }

    private void assignReadySplits() {
        Set<Integer> readers = context.registeredReaders().keySet();
        if (initialDiscoveryDone && assigner.mayAssign(readers, context.currentParallelism())) {
            Map<Integer, List<ShardSplit>> batch = new HashMap<>();
            Iterator<ShardSplit> it = unassigned.values().iterator();
            while (it.hasNext()) {
                ShardSplit split = it.next();
                if (!lineage.isReady(split.shardId(), finished::contains)) {
                    continue;
                }
                int reader = pickReader(split.shardId(), readers);
                if (reader == ShardAssigner.WAIT) {
                    continue;
                }
                assigner.assigned(split.shardId(), reader);
                batch.computeIfAbsent(reader, k -> new ArrayList<>()).add(split);
                assigned.add(split.shardId());
                it.remove();
            }
            for (Map.Entry<Integer, List<ShardSplit>> e : batch.entrySet()) {
                LOG.info("assigning {} to reader {}", e.getValue(), e.getKey());
                context.assignSplits(
                        new org.apache.flink.api.connector.source.SplitsAssignment<>(
                                Map.of(e.getKey(), e.getValue())));
            }
            if (!batch.isEmpty()) {
                LOG.info("shards per reader: {}", assigner.loads());
            }
        }
        signalNoMoreSplitsIfDone();
    }

    private int pickReader(String shardId, Set<Integer> readers) {
        if (assigner.isHeld(shardId)) {
            return assigner.pick(shardId, readers);
        }
        int placement = recentFinishes.placeChild(lineage.parentsOf(shardId));
        int best = assigner.pick(shardId, readers);
        if (placement == UncheckpointedFinishes.ANY_READER || placement == best) {
            return best;
        }
        return ShardAssigner.WAIT;
    }

    private void signalNoMoreSplitsIfDone() {
        if (!bounded || !initialDiscoveryDone || discoveryRunning || !unassigned.isEmpty()) {
            return;
        }
        for (ShardInfo shard : lineage.shards()) {
            if (!finished.contains(shard.shardId())) {
                return;
            }
        }
        for (int reader : context.registeredReaders().keySet()) {
            if (noMoreSplitsSignalled.add(reader)) {
                context.signalNoMoreSplits(reader);
            }
        }
    }

    @Override
    public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {}

    @Override
    public void addSplitsBack(List<ShardSplit> splits, int subtaskId) {
        LOG.info("reader {} failed; taking back {}", subtaskId, splits);
        for (ShardSplit split : splits) {
            assigned.remove(split.shardId());
            assigner.heldFor(split.shardId(), subtaskId);
            unassigned.put(split.shardId(), split);
        }
        for (String shardId : recentFinishes.revoke(subtaskId)) {
            finished.remove(shardId);
            if (!unassigned.containsKey(shardId)) {
                assigned.add(shardId);
            }
            LOG.info(
                    "shard {} counts as unfinished again: its reader {} restarts before the"
                            + " finish was checkpointed",
                    shardId,
                    subtaskId);
        }
        noMoreSplitsSignalled.remove(subtaskId);
        assignReadySplits();
    }

    @Override
    public void addReader(int subtaskId) {
        assignReadySplits();
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
        if (sourceEvent instanceof OwnedShardsEvent) {
            List<String> owned = ((OwnedShardsEvent) sourceEvent).shardIds();
            assigner.owns(subtaskId, owned);
            for (String shardId : owned) {
                if (unassigned.remove(shardId) != null) {
                    LOG.warn(
                            "reader {} reads {}, which was waiting for assignment",
                            subtaskId,
                            shardId);
                }
                assigned.add(shardId);
            }
            LOG.info("reader {} reads {} restored shard(s)", subtaskId, owned.size());
            assignReadySplits();
            return;
        }
        if (!(sourceEvent instanceof ShardsFinishedEvent)) {
            LOG.warn("ignoring unknown event {} from reader {}", sourceEvent, subtaskId);
            return;
        }
        boolean unknownChildren = false;
        for (String shardId : ((ShardsFinishedEvent) sourceEvent).shardIds()) {
            if (finished.add(shardId)) {
                recentFinishes.finished(shardId, subtaskId);
            }
            assigned.remove(shardId);
            assigner.released(shardId);
            ShardInfo info = lineage.get(shardId);
            if (info != null && lineage.childrenOf(shardId).isEmpty() && !bounded) {
                unknownChildren = true;
            }
        }
        LOG.info(
                "reader {} finished {}", subtaskId, ((ShardsFinishedEvent) sourceEvent).shardIds());
        if (unknownChildren || bounded) {
            discoverNow();
        }
        assignReadySplits();
    }

    @Override
    public KinesisEnumeratorState snapshotState(long checkpointId) {
        recentFinishes.snapshotTaken(checkpointId);
        return new KinesisEnumeratorState(
                new ArrayList<>(lineage.shards()),
                new LinkedHashSet<>(assigned),
                new LinkedHashSet<>(finished),
                new ArrayList<>(unassigned.values()),
                initialDiscoveryDone,
                stopAtArrivalMillis);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        recentFinishes.checkpointCompleted(checkpointId);
        assignReadySplits();
    }

    @Override
    public void close() {
        if (client != null && fanOut != null) {
            fanOut.close(client);
        }
        if (client != null) {
            client.close();
        }
    }
}
