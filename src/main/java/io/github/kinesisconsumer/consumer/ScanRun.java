package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.group.ConsumerGroup;
import io.github.kinesisconsumer.kinesis.Backoff;
import io.github.kinesisconsumer.kinesis.KinesisCallException;
import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.discovery.ShardLineage;
import io.github.kinesisconsumer.kinesis.discovery.ShardLister;
import io.github.kinesisconsumer.kinesis.read.FetchResult;
import io.github.kinesisconsumer.kinesis.read.RecordDecoder;
import io.github.kinesisconsumer.kinesis.read.ShardReader;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointKey;
import io.github.kinesisconsumer.store.CheckpointStoreException;
import io.github.kinesisconsumer.store.StoredPositions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One running scan: the calling thread polls all shards and hands each fetch to the shard's serial
 * lane; lanes call the handler on a shared pool and write checkpoints after each fetch. New shards
 * are discovered on an interval; a child starts once its parents have ended.
 */
final class ScanRun {

    private static final Logger LOG = LoggerFactory.getLogger(ScanRun.class);

    private final KinesisConsumer consumer;
    private final Supplier<ShardHandler> handlers;
    private final String onlyShard;
    private final long tickNanos;

    private final ShardReader poller;
    private final RecordDecoder decoder;
    private final ExecutorService pool;
    private final Map<String, ShardLane> lanes = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> endedShards = new ConcurrentLinkedQueue<>();
    private final ShardLineage lineage = new ShardLineage();
    private final Set<String> finished = ConcurrentHashMap.newKeySet();
    private final Set<String> knownAtStart = new HashSet<>();
    private final long startMillis = System.currentTimeMillis();
    private final Backoff checkpointBackoff;

    private final ConsumerGroup group;
    private final Set<String> handOffsStarted = ConcurrentHashMap.newKeySet();
    private StoredPositions stored;
    private Set<String> finishedInStore = Set.of();
    private ShardLister lister;
    private volatile boolean stopping;
    private volatile Throwable failure;
    private volatile String failedShard;

    ScanRun(
            KinesisConsumer consumer,
            Supplier<ShardHandler> handlers,
            String onlyShard,
            long tickNanos) {
        this.consumer = consumer;
        this.handlers = handlers;
        this.onlyShard = onlyShard;
        this.tickNanos = tickNanos;
        this.poller = consumer.newShardReader();
        this.decoder = new RecordDecoder(consumer.stream().name(), consumer.deaggregate());
        AtomicInteger threads = new AtomicInteger();
        this.pool =
                Executors.newFixedThreadPool(
                        consumer.callbackThreads(),
                        r -> {
                            Thread t =
                                    new Thread(
                                            r,
                                            "kinesis-consumer-"
                                                    + consumer.stream().name()
                                                    + "-"
                                                    + threads.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        this.checkpointBackoff = consumer.checkpointBackoff();
        this.group = onlyShard == null ? consumer.group() : null;
    }

    /** Runs until stopped; rethrows a callback or checkpoint failure. */
    void run() throws Exception {
        try {
            start();
            loop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.info("scan of {} interrupted; stopping", consumer.stream());
        } catch (RuntimeException e) {
            fail(null, e);
        } finally {
            stop();
        }
        Throwable t = failure;
        if (t != null) {
            if (t instanceof Error) {
                throw (Error) t;
            }
            if (t instanceof RuntimeException) {
                throw (RuntimeException) t;
            }
            throw new ScanFailedException(
                    "scan of stream "
                            + consumer.stream()
                            + " stopped: the callback failed on shard "
                            + failedShard
                            + ": "
                            + t,
                    t);
        }
    }

    private void start() {
        Map<String, Checkpoint> checkpoints;
        try {
            checkpoints = consumer.store().getAll(consumer.appName(), consumer.stream().name());
        } catch (CheckpointStoreException e) {
            throw new CheckpointStoreException(
                    "cannot read the checkpoints of app '"
                            + consumer.appName()
                            + "' for stream "
                            + consumer.stream()
                            + "; the scan cannot start without them: "
                            + e.getMessage(),
                    e);
        }
        stored = new StoredPositions(checkpoints);
        lister =
                new ShardLister(
                        consumer.client(), consumer.stream(), consumer.clientSettingsDescription());
        List<ShardInfo> shards = lister.listAll();
        lineage.addAll(shards);
        for (ShardInfo shard : shards) {
            knownAtStart.add(shard.shardId());
        }
        if (group != null) {
            group.start(consumer.stream().name());
            group.shardsDiscovered(shards);
            return;
        }
        if (onlyShard != null) {
            if (!lineage.contains(onlyShard)) {
                throw new IllegalArgumentException(
                        "stream " + consumer.stream() + " has no shard '" + onlyShard + "'");
            }
            startShard(onlyShard);
            return;
        }
        finishedInStore = stored.finishedShards(lineage);
        finished.addAll(finishedInStore);
        startReadyShards();
    }

    private void loop() throws InterruptedException {
        long nextDiscovery = System.nanoTime() + consumer.discoveryInterval().toNanos();
        long nextTick = System.nanoTime() + tickNanos;
        while (!stopping) {
            List<FetchResult> results;
            try {
                results = poller.pollHeld(50, TimeUnit.MILLISECONDS);
            } catch (KinesisCallException e) {
                fail(null, e);
                return;
            }
            for (FetchResult result : results) {
                ShardLane lane = lanes.get(result.shardId());
                if (lane == null) {
                    poller.release(result.bytes());
                } else {
                    lane.submit(l -> process(l, result));
                }
            }
            String ended;
            boolean needDiscovery = false;
            boolean lineageChanged = false;
            while ((ended = endedShards.poll()) != null) {
                finished.add(ended);
                lineageChanged = true;
                if (onlyShard != null) {
                    requestStop();
                } else if (lineage.childrenOf(ended).isEmpty()) {
                    needDiscovery = true;
                }
            }
            long now = System.nanoTime();
            if (onlyShard == null && (needDiscovery || now >= nextDiscovery)) {
                lineageChanged |= discover();
                nextDiscovery = now + consumer.discoveryInterval().toNanos();
            }
            if (group != null) {
                followGroup();
            } else if (onlyShard == null && lineageChanged) {
                startReadyShards();
            }
            if (now >= nextTick) {
                for (ShardLane lane : lanes.values()) {
                    lane.submit(
                            l -> {
                                ShardHandler handler = l.handler();
                                if (l.leaseHeld()) {
                                    handler.onTick(l);
                                    l.writeCheckpoint();
                                }
                            });
                }
                nextTick = now + tickNanos;
            }
        }
    }

    private void process(ShardLane lane, FetchResult result) throws Exception {
        try {
            if (lane.isStopping()) {
                return;
            }
            long behind = result.millisBehindLatest() == null ? -1 : result.millisBehindLatest();
            List<ScanRecord> records = new ArrayList<>(result.records().size());
            decoder.decode(result, r -> records.add(new ScanRecord(r, behind)));
            ShardHandler handler = lane.handler();
            if (!records.isEmpty()) {
                handler.onRecords(records, lane);
                lane.writeCheckpoint();
            }
            if (result.isShardEnd() && !stopping && !lane.isDropped()) {
                handler.onShardEnd(lane);
                boolean marked = lane.writeFinished();
                LOG.info(
                        "shard {} of {} ended{}",
                        lane.shardId(),
                        consumer.stream(),
                        marked ? "" : " (not marked finished: it has records not checkpointed)");
                ShardClosedHandler closedHandler = consumer.shardClosedHandler();
                if (closedHandler != null) {
                    closedHandler.shardClosed(consumer.stream().name(), lane.shardId());
                }
                endedShards.add(lane.shardId());
                poller.wakeup();
            }
        } finally {
            poller.release(result.bytes());
        }
    }

    /** Lists shards created since the last listing; true when new ones were found. */
    private boolean discover() {
        try {
            List<ShardInfo> fresh = lister.listAfter(lineage.lastShardId());
            List<ShardInfo> unknown = new ArrayList<>();
            for (ShardInfo s : fresh) {
                if (!lineage.contains(s.shardId())) {
                    unknown.add(s);
                }
            }
            lineage.addAll(fresh);
            if (group != null && !unknown.isEmpty()) {
                group.shardsDiscovered(unknown);
            }
            if (!unknown.isEmpty()) {
                LOG.info("discovered {} new shard(s) of {}", unknown.size(), consumer.stream());
            }
            return !unknown.isEmpty();
        } catch (RuntimeException e) {
            LOG.warn(
                    "shard discovery of {} failed; retrying later: {}",
                    consumer.stream(),
                    e.toString());
            return false;
        }
    }

    private void startReadyShards() {
        for (ShardInfo shard : lineage.readyShards(finished::contains)) {
            if (!lanes.containsKey(shard.shardId())) {
                startShard(shard.shardId());
            }
        }
    }

    /** Reads exactly the shards the group gives this worker; hands shards over on request. */
    private void followGroup() {
        Set<String> owned = group.ownedShards();
        for (String shardId : owned) {
            if (!lanes.containsKey(shardId)) {
                startShard(shardId);
            }
        }
        for (ShardLane lane : List.copyOf(lanes.values())) {
            if (!owned.contains(lane.shardId())) {
                dropLane(lane, "its lease is no longer held");
            } else if (lane.isDropped() && !handOffsStarted.contains(lane.shardId())) {
                // it stopped when its lease expired; the lease is held again: a new lane starts
                // from the checkpoint at the next round
                dropLane(lane, "its lease expired");
            }
        }
        for (String shardId : group.handOffRequested()) {
            ShardLane lane = lanes.get(shardId);
            if (lane != null && handOffsStarted.add(shardId)) {
                lane.submit(
                        l -> {
                            l.writeCheckpoint();
                            l.drop();
                            group.release(shardId);
                            handOffsStarted.remove(shardId);
                        });
            }
        }
    }

    private void dropLane(ShardLane lane, String why) {
        if (lanes.remove(lane.shardId(), lane)) {
            lane.drop();
            poller.removeShard(lane.shardId());
            LOG.info("stopped reading {}: {}", lane.shardId(), why);
        }
    }

    private void startShard(String shardId) {
        StartingPosition position =
                group != null ? groupPositionFor(shardId) : positionFor(shardId);
        ShardInfo shard = lineage.get(shardId);
        String emptyShardSequence = shard == null ? null : shard.emptyShardSequence();
        ShardLane lane =
                new ShardLane(shardId, this, pool, position, handlers.get(), emptyShardSequence);
        lanes.put(shardId, lane);
        poller.addShard(shardId, position);
    }

    /** The greater of the lease's and the store's checkpoint, read fresh at take-over. */
    private StartingPosition groupPositionFor(String shardId) {
        Checkpoint best = group.leaseCheckpoint(shardId).orElse(null);
        Checkpoint inStore =
                consumer.store()
                        .get(
                                new CheckpointKey(
                                        consumer.appName(), consumer.stream().name(), shardId))
                        .orElse(null);
        if (inStore != null && inStore.isAfter(best)) {
            best = inStore;
        }
        if (best != null && !best.sequenceNumber().equals("0")) {
            return best.resumePosition();
        }
        return lineage.parentsOf(shardId).isEmpty()
                ? fallbackFor(shardId)
                : StartingPosition.trimHorizon();
    }

    private StartingPosition positionFor(String shardId) {
        return stored.positionOf(shardId, lineage, finishedInStore, fallbackFor(shardId));
    }

    /** Where a shard starts that neither the store nor its lineage places. */
    private StartingPosition fallbackFor(String shardId) {
        if (!knownAtStart.contains(shardId)) {
            return StartingPosition.trimHorizon();
        }
        return consumer.startingPosition().pinnedAt(Instant.ofEpochMilli(startMillis));
    }

    void writeCheckpoint(String shardId, Checkpoint checkpoint) {
        if (group != null) {
            boolean fenced =
                    checkpoint.isFinished()
                            ? group.finished(shardId, checkpoint)
                            : group.checkpoint(shardId, checkpoint);
            if (!fenced) {
                LOG.warn(
                        "checkpoint {} of shard {} rejected: this worker lost its lease; it stops"
                                + " reading the shard",
                        checkpoint,
                        shardId);
                ShardLane lane = lanes.get(shardId);
                if (lane != null) {
                    dropLane(lane, "its checkpoint was rejected");
                }
                return;
            }
        }
        CheckpointKey key =
                new CheckpointKey(consumer.appName(), consumer.stream().name(), shardId);
        StoreWrites.put(
                consumer.store(),
                key,
                checkpoint,
                consumer.checkpointAttempts(),
                checkpointBackoff);
        consumer.scanMetrics().checkpointWritten(shardId);
        ScanCounter counter = consumer.counter();
        if (counter != null) {
            counter.checkpointWritten(shardId);
        }
    }

    /** {@code count} records of {@code shardId} went through the callback. */
    void delivered(String shardId, int count) {
        consumer.scanMetrics().recordsDelivered(shardId, count);
        ScanCounter counter = consumer.counter();
        if (counter != null) {
            counter.recordsDelivered(shardId, count);
        }
    }

    boolean isStopping() {
        return stopping;
    }

    /**
     * Whether this worker may deliver records of {@code shardId} now: always without a group; with
     * one, while its lease is live (the main loop drops the lane of a lost lease, but a process
     * frozen past its lease wakes up with batches already queued on the lane).
     */
    boolean holdsLease(String shardId) {
        return group == null || group.holds(shardId);
    }

    void requestStop() {
        stopping = true;
        poller.wakeup();
    }

    void fail(String shardId, Throwable t) {
        synchronized (this) {
            if (failure == null) {
                failure = t;
                failedShard = shardId;
                LOG.error(
                        "scan of {} stops: {}{}",
                        consumer.stream(),
                        shardId == null ? "" : "shard " + shardId + ": ",
                        t.toString());
            }
        }
        requestStop();
    }

    /**
     * Lets the lanes finish (their last records, the clean-stop deliveries and checkpoints) before
     * the reader is closed: a lane releases each result's bytes back to the reader when done.
     */
    private void stop() throws InterruptedException {
        stopping = true;
        long deadline = System.nanoTime() + consumer.shutdownTimeout().toNanos();
        try {
            for (ShardLane lane : lanes.values()) {
                lane.awaitIdle(deadline);
            }
            boolean clean = failure == null;
            for (ShardLane lane : lanes.values()) {
                lane.submit(
                        l -> {
                            ShardHandler handler = l.handler();
                            if (clean && failure == null && !l.isDropped()) {
                                handler.onCleanStop(l);
                            }
                            l.writeCheckpoint();
                        });
            }
            for (ShardLane lane : lanes.values()) {
                lane.awaitIdle(deadline);
            }
        } finally {
            poller.close();
            pool.shutdown();
        }
        if (!pool.awaitTermination(
                Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            LOG.warn("callbacks still running after the shutdown timeout; not waiting any longer");
            pool.shutdownNow();
        }
        try {
            consumer.store().flush();
        } catch (CheckpointStoreException e) {
            fail(null, e);
        }
        if (group != null) {
            group.close();
        }
    }
}
