package io.github.kinesisconsumer.migration;

import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.migration.PriorPosition.Kind;
import io.github.kinesisconsumer.migration.ShardMove.Action;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointKey;
import io.github.kinesisconsumer.store.memory.InMemoryCheckpointStore;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules of {@link MigrationPlan} on a listing without Kinesis (the real streams are in the
 * end-to-end migration tests). The stream: s0 (closed, range 100-199) split into s1 (200-) and s2
 * (300-); s9 gone past retention was the parent of s3 (400-); s4 (500-) stands alone.
 */
class MigrationPlanTest {

    private static final String STREAM = "orders";

    private static final List<ShardInfo> SHARDS =
            List.of(
                    new ShardInfo("s0", null, null, "100", "199"),
                    new ShardInfo("s1", "s0", null, "200", null),
                    new ShardInfo("s2", "s0", null, "300", null),
                    new ShardInfo("s3", "s9", null, "400", null),
                    new ShardInfo("s4", null, null, "500", null));

    private static PositionSource source(PriorPosition... positions) {
        return new PositionSource() {
            @Override
            public String description() {
                return "test state";
            }

            @Override
            public List<PriorPosition> read() {
                return List.of(positions);
            }
        };
    }

    @Test
    void eachKindOfPositionBecomesAMove() {
        MigrationPlan plan =
                MigrationPlan.of(
                        source(
                                PriorPosition.sentinel(STREAM, "s0", Kind.SHARD_END),
                                PriorPosition.after(STREAM, "s1", "250", -1),
                                PriorPosition.after(STREAM, "s9", "90", 3),
                                PriorPosition.sentinel(STREAM, "s4", Kind.LATEST),
                                PriorPosition.after("other", "s0", "120", -1)),
                        STREAM,
                        SHARDS);

        assertThat(plan.move("s0").action()).isEqualTo(Action.FINISHED);
        assertThat(plan.move("s0").checkpoint()).isEqualTo(Checkpoint.of("199", -1, true));
        assertThat(plan.move("s1").checkpoint()).isEqualTo(Checkpoint.at("250"));
        assertThat(plan.move("s2").action()).isEqualTo(Action.TRIM_HORIZON);
        assertThat(plan.move("s2").prior()).isNull();
        assertThat(plan.move("s9").checkpoint()).isEqualTo(Checkpoint.at("90", 3));
        assertThat(plan.move("s3").action()).isEqualTo(Action.TRIM_HORIZON);
        assertThat(plan.move("s4").action()).isEqualTo(Action.FALLBACK);
        assertThat(plan.needsTrimHorizonFallback()).isFalse();
        assertThat(plan.table()).contains("s1", "RESUME_AFTER", "250", "FINISHED", "199 finished");

        StartingPosition start = plan.startingPosition(StartingPosition.latest());
        assertThat(start.type()).isEqualTo(StartingPosition.Type.PER_SHARD);
        assertThat(start.finishedShards()).containsExactly("s0");
        assertThat(start.shardPositions())
                .containsEntry("s1", StartingPosition.afterSequenceNumber("250"))
                .containsEntry("s2", StartingPosition.trimHorizon())
                .containsEntry("s3", StartingPosition.trimHorizon())
                .containsEntry("s9", StartingPosition.afterSequenceNumber("90", 3))
                .doesNotContainKey("s4");
        assertThat(start.fallback()).isEqualTo(StartingPosition.latest());
    }

    @Test
    void aShardNotYetBegunWithoutACheckpointedAncestorNeedsTheTrimHorizonFallbackInAStore() {
        MigrationPlan plan =
                MigrationPlan.of(
                        source(PriorPosition.sentinel(STREAM, "s4", Kind.TRIM_HORIZON)),
                        STREAM,
                        SHARDS);
        assertThat(plan.move("s4").action()).isEqualTo(Action.TRIM_HORIZON);
        assertThat(plan.needsTrimHorizonFallback()).isTrue();
    }

    @Test
    void writesForwardAndRefusesToMoveAStoredPositionBackUnlessAllowed() {
        MigrationPlan plan =
                MigrationPlan.of(
                        source(
                                PriorPosition.sentinel(STREAM, "s0", Kind.SHARD_END),
                                PriorPosition.after(STREAM, "s1", "250", -1),
                                PriorPosition.after(STREAM, "s2", "310", -1)),
                        STREAM,
                        SHARDS);
        try (InMemoryCheckpointStore store = new InMemoryCheckpointStore()) {
            store.put(new CheckpointKey("app", STREAM, "s1"), Checkpoint.at("260"));
            store.put(new CheckpointKey("app", STREAM, "s2"), Checkpoint.at("305"));

            assertThatThrownBy(() -> plan.writeTo(store, "app", false))
                    .isInstanceOf(MigrationException.class)
                    .hasMessageContaining("s1 (stored 260, earlier consumer 250)")
                    .hasMessageContaining("nothing was written");
            assertThat(store.getAll("app", STREAM))
                    .isEqualTo(Map.of("s1", Checkpoint.at("260"), "s2", Checkpoint.at("305")));

            Map<String, Checkpoint> before = plan.writeTo(store, "app", true);
            assertThat(before).containsEntry("s1", Checkpoint.at("260"));
            assertThat(store.getAll("app", STREAM))
                    .isEqualTo(
                            Map.of(
                                    "s0", Checkpoint.of("199", -1, true),
                                    "s1", Checkpoint.at("250"),
                                    "s2", Checkpoint.at("310")));

            plan.writeTo(store, "app", false);
            assertThat(store.getAll("app", STREAM)).hasSize(3);
        }
    }

    /**
     * A finished shard whose end the plan cannot give as a greater sequence number than the store's
     * (gone past retention: placeholder "0"; kinesis-local: Long.MAX as the end of a closed shard)
     * is marked finished where the store stands, never refused as a step back.
     */
    @Test
    void aFinishedShardIsNeverBehindAStoredPosition() {
        List<ShardInfo> shards =
                List.of(
                        new ShardInfo("s0", null, null, "100", "9223372036854775807"),
                        new ShardInfo("s1", "s0", null, "200", null),
                        new ShardInfo("s2", "gone", null, "300", null));
        String big = "49590338271490256608559692538361571095921575989136588898";
        MigrationPlan plan =
                MigrationPlan.of(
                        source(
                                PriorPosition.sentinel(STREAM, "s0", Kind.SHARD_END),
                                PriorPosition.sentinel(STREAM, "gone", Kind.SHARD_END),
                                PriorPosition.after(STREAM, "s1", "250", -1)),
                        STREAM,
                        shards);
        try (InMemoryCheckpointStore store = new InMemoryCheckpointStore()) {
            store.put(new CheckpointKey("app", STREAM, "s0"), Checkpoint.at(big));
            store.put(new CheckpointKey("app", STREAM, "gone"), Checkpoint.at("150"));

            plan.writeTo(store, "app", false);

            assertThat(store.getAll("app", STREAM))
                    .isEqualTo(
                            Map.of(
                                    "s0", Checkpoint.of(big, -1, true),
                                    "gone", Checkpoint.of("150", -1, true),
                                    "s1", Checkpoint.at("250")));
            plan.writeTo(store, "app", false);
            assertThat(store.getAll("app", STREAM)).hasSize(3);
        }
    }

    @Test
    void positionsThatCannotBelongToTheStreamAreRefusedNamingTheShard() {
        assertThatThrownBy(
                        () ->
                                MigrationPlan.of(
                                        source(PriorPosition.after("payments", "s1", "250", -1)),
                                        STREAM,
                                        SHARDS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no positions of stream 'orders'")
                .hasMessageContaining("[payments]");
        assertThatThrownBy(
                        () ->
                                MigrationPlan.of(
                                        source(PriorPosition.after(STREAM, "s7", "250", -1)),
                                        STREAM,
                                        SHARDS))
                .hasMessageContaining("s7, which stream 'orders' does not have");
        assertThatThrownBy(
                        () ->
                                MigrationPlan.of(
                                        source(PriorPosition.after(STREAM, "s1", "150", -1)),
                                        STREAM,
                                        SHARDS))
                .hasMessageContaining("150 for s1, before the shard's first sequence number 200");
        assertThatThrownBy(
                        () ->
                                MigrationPlan.of(
                                        source(
                                                PriorPosition.sentinel(
                                                        STREAM, "s1", Kind.SHARD_END)),
                                        STREAM,
                                        SHARDS))
                .hasMessageContaining("s1 was read to its end, but it is open");
        assertThatThrownBy(
                        () ->
                                MigrationPlan.of(
                                        source(
                                                PriorPosition.after(STREAM, "s1", "250", -1),
                                                PriorPosition.after(STREAM, "s1", "260", -1)),
                                        STREAM,
                                        SHARDS))
                .hasMessageContaining("two positions for shard s1");
    }

    @Test
    void aPerShardPositionRefusesWhatItCannotHold() {
        assertThatThrownBy(
                        () ->
                                StartingPosition.perShard(
                                        Map.of("s1", StartingPosition.latest()),
                                        Set.of(),
                                        StartingPosition.latest()))
                .hasMessageContaining("s1: a per-shard position must be");
        assertThatThrownBy(
                        () ->
                                StartingPosition.perShard(
                                        Map.of("s1", StartingPosition.trimHorizon()),
                                        Set.of("s1"),
                                        StartingPosition.latest()))
                .hasMessageContaining("both");
    }
}
