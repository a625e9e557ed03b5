package io.github.kinesisconsumer.store;

import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.discovery.ShardLineage;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of {@link StoredPositions} on a lineage without Kinesis (the behaviour on a real stream
 * is shown by {@code RestartAfterReshardTest}): 0 split into 1 and 2, 2 split into 3 and 4, 1 and 3
 * merged into 5; 6 stands alone.
 */
class StoredPositionsTest {

    private static final StartingPosition FALLBACK = StartingPosition.latest();

    private final ShardLineage lineage =
            ShardLineage.of(
                    List.of(
                            shard("s0", null, null),
                            shard("s1", "s0", null),
                            shard("s2", "s0", null),
                            shard("s3", "s2", null),
                            shard("s4", "s2", null),
                            shard("s5", "s1", "s3"),
                            shard("s6", null, null)));

    @Test
    void ownUnfinishedCheckpointIsReadAgainEvenWhenDescendantsHaveCheckpoints() {
        StoredPositions stored =
                new StoredPositions(Map.of("s0", Checkpoint.at("10"), "s4", Checkpoint.at("40")));
        assertThat(stored.finishedShards(lineage)).containsExactly("s2");
        assertThat(stored.positionOf("s0", lineage, Set.of(), FALLBACK))
                .isEqualTo(StartingPosition.afterSequenceNumber("10"));
    }

    @Test
    void shardWithoutRowButWithStoredDescendantIsFinished() {
        StoredPositions stored = new StoredPositions(Map.of("s5", Checkpoint.at("50")));
        assertThat(stored.finishedShards(lineage)).containsExactly("s0", "s1", "s2", "s3");
    }

    @Test
    void finishedMarkerCounts() {
        StoredPositions stored =
                new StoredPositions(Map.of("s0", Checkpoint.at("10").asFinished()));
        assertThat(stored.finishedShards(lineage)).containsExactly("s0");
    }

    @Test
    void shardWithStoredOrFinishedAncestorStartsAtTrimHorizon() {
        StoredPositions stored = new StoredPositions(Map.of("s0", Checkpoint.at("10")));
        for (String id : List.of("s1", "s2", "s3", "s4", "s5")) {
            assertThat(stored.positionOf(id, lineage, Set.of(), FALLBACK))
                    .as(id)
                    .isEqualTo(StartingPosition.trimHorizon());
        }
        StoredPositions none = new StoredPositions(Map.of());
        assertThat(none.positionOf("s4", lineage, Set.of("s0"), FALLBACK))
                .isEqualTo(StartingPosition.trimHorizon());
    }

    @Test
    void shardWithoutStoredLineageGetsTheFallback() {
        StoredPositions stored = new StoredPositions(Map.of("s6", Checkpoint.at("60")));
        assertThat(stored.positionOf("s3", lineage, Set.of(), FALLBACK)).isEqualTo(FALLBACK);
        assertThat(stored.positionOf("s0", lineage, Set.of("s6"), FALLBACK)).isEqualTo(FALLBACK);
    }

    @Test
    void parentNoLongerListedStillCountsThroughItsId() {
        ShardLineage trimmed = ShardLineage.of(List.of(shard("s9", "gone", null)));
        StoredPositions stored = new StoredPositions(Map.of("gone", Checkpoint.at("1")));
        assertThat(stored.positionOf("s9", trimmed, Set.of(), FALLBACK))
                .isEqualTo(StartingPosition.trimHorizon());
    }

    private static ShardInfo shard(String id, String parent, String adjacent) {
        return new ShardInfo(id, parent, adjacent, "0", null);
    }
}
