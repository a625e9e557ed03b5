package io.github.kinesisconsumer.source.reader;

import io.github.kinesisconsumer.annotation.Internal;
import io.github.kinesisconsumer.kinesis.KinesisRecord;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.read.PollerMetrics;
import io.github.kinesisconsumer.source.enumerator.OwnedShardsEvent;
import io.github.kinesisconsumer.source.enumerator.ShardsFinishedEvent;
import io.github.kinesisconsumer.source.split.ShardSplit;
import io.github.kinesisconsumer.source.split.ShardSplitState;

import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Kinesis source reader. Finished shards are reported to the enumerator at once and kept in
 * reader state until a checkpoint taken after the enumerator surely recorded them has completed, so
 * a restore never loses a finish (and with it the shard's children).
 */
@Internal
public final class KinesisSourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<
                KinesisRecord, T, ShardSplit, ShardSplitState> {

    private static final Logger LOG = LoggerFactory.getLogger(KinesisSourceReader.class);

    /** Finished splits, with the id of the first checkpoint whose reader state holds them. */
    private final Map<String, FinishedSplit> finishedSplits = new LinkedHashMap<>();

    /** Shards being read, for the report to the enumerator at start. */
    private final Set<String> reading = new LinkedHashSet<>();

    private final ShardMetrics shardMetrics;
    @Nullable private final CheckpointMirror mirror;

    KinesisSourceReader(
            Supplier<SplitReader<KinesisRecord, ShardSplit>> splitReaderSupplier,
            RecordEmitter<KinesisRecord, T, ShardSplitState> recordEmitter,
            Configuration config,
            SourceReaderContext context,
            PollerMetrics pollerMetrics,
            @Nullable CheckpointMirror mirror) {
        super(splitReaderSupplier, recordEmitter, config, context);
        this.shardMetrics = new ShardMetrics(context.metricGroup(), pollerMetrics);
        this.mirror = mirror;
    }

    @Override
    public void addSplits(List<ShardSplit> splits) {
        List<ShardSplit> toRead = new ArrayList<>(splits.size());
        List<String> alreadyFinished = new ArrayList<>();
        for (ShardSplit split : splits) {
            if (split.isFinished()) {
                finishedSplits.put(split.shardId(), new FinishedSplit(split));
                alreadyFinished.add(split.shardId());
            } else {
                shardMetrics.register(split.shardId());
                reading.add(split.shardId());
                toRead.add(pinned(split));
            }
        }
        if (!alreadyFinished.isEmpty()) {
            LOG.info("restored finished shards {}; reporting them again", alreadyFinished);
            context.sendSourceEventToCoordinator(new ShardsFinishedEvent(alreadyFinished));
        }
        if (!toRead.isEmpty()) {
            super.addSplits(toRead);
        }
    }

    /**
     * A split still at LATEST (restored from the state of an older version, which did not pin it)
     * is pinned to now, so its state never asks for the tip of the shard again.
     */
    private static ShardSplit pinned(ShardSplit split) {
        if (split.startingPosition().type() != StartingPosition.Type.LATEST) {
            return split;
        }
        ShardSplit at = split.withPosition(split.startingPosition().pinnedAt(Instant.now()));
        LOG.info("shard {} starts at LATEST; pinned to {}", split.shardId(), at.startingPosition());
        return at;
    }

    /** Tells the enumerator which shards this reader restored, so it knows the reader's load. */
    @Override
    public void start() {
        super.start();
        LOG.info(
                "reader {} started with {} restored shard(s)",
                context.getIndexOfSubtask(),
                reading.size());
        context.sendSourceEventToCoordinator(new OwnedShardsEvent(new ArrayList<>(reading)));
    }

    @Override
    protected void onSplitFinished(Map<String, ShardSplitState> finishedSplitIds) {
        List<String> ids = new ArrayList<>(finishedSplitIds.size());
        for (ShardSplitState state : finishedSplitIds.values()) {
            reading.remove(state.split().shardId());
            ShardSplit split = state.toSplit().asFinished();
            finishedSplits.put(split.shardId(), new FinishedSplit(split));
            ids.add(split.shardId());
            shardMetrics.unregister(split.shardId());
        }
        LOG.info("finished reading shards {}", ids);
        context.sendSourceEventToCoordinator(new ShardsFinishedEvent(ids));
    }

    @Override
    public List<ShardSplit> snapshotState(long checkpointId) {
        List<ShardSplit> all = snapshotSplits(checkpointId);
        if (mirror != null) {
            mirror.snapshotTaken(checkpointId, MirroredPositions.of(all));
        }
        return all;
    }

    private List<ShardSplit> snapshotSplits(long checkpointId) {
        List<ShardSplit> state = super.snapshotState(checkpointId);
        if (finishedSplits.isEmpty()) {
            return state;
        }
        List<ShardSplit> all = new ArrayList<>(state.size() + finishedSplits.size());
        all.addAll(state);
        for (FinishedSplit finished : finishedSplits.values()) {
            if (finished.firstCheckpointId < 0) {
                finished.firstCheckpointId = checkpointId;
            }
            all.add(finished.split);
        }
        return all;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        if (mirror != null) {
            mirror.checkpointCompleted(checkpointId);
        }
        // The enumerator snapshot of the checkpoint after the first one holding a finished split
        // was taken after the finish event was sent: from then on the enumerator has it.
        finishedSplits
                .values()
                .removeIf(f -> f.firstCheckpointId >= 0 && checkpointId > f.firstCheckpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        super.notifyCheckpointAborted(checkpointId);
        if (mirror != null) {
            mirror.checkpointAborted(checkpointId);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            super.close();
        } finally {
            if (mirror != null) {
                mirror.close();
            }
        }
    }

    @Override
    protected ShardSplitState initializedState(ShardSplit split) {
        return new ShardSplitState(split);
    }

    @Override
    protected ShardSplit toSplitType(String splitId, ShardSplitState splitState) {
        return splitState.toSplit();
    }

    private static final class FinishedSplit {
        final ShardSplit split;
        long firstCheckpointId = -1;

        FinishedSplit(ShardSplit split) {
            this.split = split;
        }
    }
}
