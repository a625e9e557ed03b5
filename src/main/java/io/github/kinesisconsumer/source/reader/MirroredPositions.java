package io.github.kinesisconsumer.source.reader;

import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.split.ShardSplit;
import io.github.kinesisconsumer.store.Checkpoint;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The store checkpoints for the splits of a reader snapshot: each split positioned after a record
 * gives that record (and the last record read whole, for positions inside an aggregate); a shard
 * read to its end is marked finished, at {@link ShardSplit#emptyShardSequence()} when nothing was
 * read from it ({@code 0} only for splits restored from state written before that was kept). A
 * split stopped by bounded mode is not marked finished.
 */
final class MirroredPositions {

    static final String NOTHING_READ = "0";

    private MirroredPositions() {}

    static Map<String, Checkpoint> of(List<ShardSplit> splits) {
        Map<String, Checkpoint> positions = new HashMap<>();
        for (ShardSplit split : splits) {
            StartingPosition p = split.startingPosition();
            boolean ended = split.isFinished() && !split.isBounded();
            if (p.type() == StartingPosition.Type.AFTER_SEQUENCE_NUMBER) {
                Checkpoint cp =
                        Checkpoint.of(p.sequenceNumber(), p.subSequenceNumber(), ended)
                                .withWholeRecordSequence(split.wholeRecordSequence());
                positions.put(split.shardId(), cp);
            } else if (ended) {
                positions.put(
                        split.shardId(),
                        Checkpoint.of(
                                split.emptyShardSequence() != null
                                        ? split.emptyShardSequence()
                                        : NOTHING_READ,
                                StartingPosition.NO_SUB_SEQUENCE,
                                true));
            }
        }
        return positions;
    }
}
