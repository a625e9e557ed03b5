package io.github.kinesisconsumer.source.reader;

import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.split.ShardSplit;
import io.github.kinesisconsumer.source.split.ShardSplitState;
import io.github.kinesisconsumer.store.Checkpoint;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a reader snapshot mirrors to the store for stores in the Go library's layouts. */
class MirroredPositionsTest {

    private static final ShardInfo OPEN =
            new ShardInfo("shardId-000000000001", null, null, "100", null);
    private static final ShardInfo CLOSED =
            new ShardInfo("shardId-000000000002", null, null, "100", "900");

    @Test
    void insideAnAggregateTheRecordReadWholeBeforeItGoesAlong() {
        ShardSplitState state =
                new ShardSplitState(
                        ShardSplit.forShard(
                                OPEN, StartingPosition.trimHorizon(), ShardSplit.NO_STOP));
        state.setPosition("200", StartingPosition.NO_SUB_SEQUENCE);
        state.setPosition("300", 0);
        state.setPosition("300", 1);
        assertThat(mirrored(state.toSplit())).isEqualTo(Checkpoint.at("300", 1));
        assertThat(mirrored(state.toSplit()).wholeRecordSequence()).isEqualTo("200");

        state.setPosition("400", 0);
        assertThat(mirrored(state.toSplit()).wholeRecordSequence()).isEqualTo("300");
        state.setPosition("500", StartingPosition.NO_SUB_SEQUENCE);
        assertThat(mirrored(state.toSplit()).wholeRecordSequence()).isEqualTo("500");
    }

    @Test
    void afterARestoreInsideAnAggregateTheWholeRecordIsKnownAgainOnceTheAggregateEnds() {
        ShardSplit restored =
                ShardSplit.forShard(
                        OPEN, StartingPosition.afterSequenceNumber("300", 1), ShardSplit.NO_STOP);
        ShardSplitState state = new ShardSplitState(restored);
        state.setPosition("300", 2);
        assertThat(mirrored(state.toSplit()).wholeRecordSequence()).isNull();
        state.setPosition("400", 0);
        assertThat(mirrored(state.toSplit()).wholeRecordSequence()).isEqualTo("300");

        ShardSplitState fromAfterWhole =
                new ShardSplitState(
                        ShardSplit.forShard(
                                OPEN,
                                StartingPosition.afterSequenceNumber("250"),
                                ShardSplit.NO_STOP));
        fromAfterWhole.setPosition("300", 0);
        assertThat(mirrored(fromAfterWhole.toSplit()).wholeRecordSequence()).isEqualTo("250");
    }

    @Test
    void aShardEndedWithNothingReadIsStoredAtASequenceNumberKinesisAccepts() {
        ShardSplit open =
                ShardSplit.forShard(OPEN, StartingPosition.trimHorizon(), ShardSplit.NO_STOP)
                        .asFinished();
        ShardSplit closed =
                ShardSplit.forShard(CLOSED, StartingPosition.latest(), ShardSplit.NO_STOP)
                        .asFinished();

        Map<String, Checkpoint> positions = MirroredPositions.of(List.of(open, closed));

        assertThat(positions)
                .containsEntry(OPEN.shardId(), Checkpoint.at("100").asFinished())
                .containsEntry(CLOSED.shardId(), Checkpoint.at("900").asFinished());
    }

    private static Checkpoint mirrored(ShardSplit split) {
        return MirroredPositions.of(List.of(split)).get(split.shardId());
    }
}
