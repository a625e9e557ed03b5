package io.github.kinesisconsumer.source.enumerator;

import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.SerializerFixtures;
import io.github.kinesisconsumer.source.split.ShardSplit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Round trips, the checked-in version-1 layout, and unknown versions of enumerator state. */
class KinesisEnumeratorStateSerializerTest {

    private static final String SEQ = "49590338271490256608559692538361571095921575989136588898";

    private final KinesisEnumeratorStateSerializer serializer =
            new KinesisEnumeratorStateSerializer();

    @Test
    void roundTripsEmptyState() throws IOException {
        KinesisEnumeratorState empty =
                new KinesisEnumeratorState(
                        List.of(), Set.of(), Set.of(), List.of(), false, ShardSplit.NO_STOP);

        KinesisEnumeratorState back = roundTrip(empty);

        assertSameState(back, empty);
        assertThat(back.initialDiscoveryDone()).isFalse();
        assertThat(back.stopAtArrivalMillis()).isEqualTo(ShardSplit.NO_STOP);
    }

    @Test
    void roundTripsTheFixtureStateAndKeepsOrder() throws IOException {
        KinesisEnumeratorState state = SerializerFixtures.enumeratorStateV1();

        KinesisEnumeratorState back = roundTrip(state);

        assertSameState(back, state);
    }

    @Test
    void roundTripsSplitsWithEveryPositionAndLongIds() throws IOException {
        String longId = "shardId-" + "1".repeat(20_000);
        List<StartingPosition> positions =
                Arrays.asList(
                        StartingPosition.latest(),
                        StartingPosition.trimHorizon(),
                        StartingPosition.atTimestamp(Instant.ofEpochMilli(1_234_567_890_123L)),
                        StartingPosition.atSequenceNumber(SEQ),
                        StartingPosition.afterSequenceNumber(SEQ),
                        StartingPosition.afterSequenceNumber(SEQ, 12));
        List<ShardSplit> splits = new ArrayList<>();
        List<ShardInfo> known = new ArrayList<>();
        for (int i = 0; i < positions.size(); i++) {
            String id = longId + i;
            List<String> parents =
                    i == 0 ? List.of() : i == 1 ? List.of(longId) : List.of(longId, longId + "0");
            known.add(
                    new ShardInfo(
                            id,
                            parents.isEmpty() ? null : parents.get(0),
                            parents.size() < 2 ? null : parents.get(1),
                            SEQ,
                            i % 2 == 0 ? SEQ + "9" : null));
            splits.add(
                    new ShardSplit(
                            id,
                            positions.get(i),
                            parents,
                            i % 2 == 0 ? ShardSplit.NO_STOP : 99L,
                            i % 3 == 0));
        }
        KinesisEnumeratorState state =
                new KinesisEnumeratorState(
                        known,
                        new LinkedHashSet<>(Arrays.asList(longId + "5", longId + "4")),
                        new LinkedHashSet<>(Arrays.asList(longId + "3")),
                        splits,
                        false,
                        ShardSplit.NO_STOP);

        assertSameState(roundTrip(state), state);
    }

    @Test
    void readsTheCheckedInVersion1Fixture() throws IOException {
        byte[] bytes = SerializerFixtures.read(SerializerFixtures.ENUMERATOR_STATE_V1);

        KinesisEnumeratorState state = serializer.deserialize(1, bytes);

        assertThat(state.knownShards())
                .extracting(ShardInfo::shardId)
                .containsExactly(
                        "shardId-000000000000",
                        "shardId-000000000001",
                        "shardId-000000000002",
                        "shardId-000000000003",
                        "shardId-000000000004");
        ShardInfo closedParent = state.knownShards().get(0);
        assertThat(closedParent.isClosed()).isTrue();
        assertThat(closedParent.parentShardIds()).isEmpty();
        assertThat(closedParent.endingSequenceNumber())
                .isEqualTo("49590338271490256608559692538361571095921575989136588899");
        assertThat(state.knownShards().get(1).isClosed()).isFalse();
        assertThat(state.knownShards().get(2).parentShardId()).isEqualTo("shardId-000000000000");
        assertThat(state.knownShards().get(2).adjacentParentShardId()).isNull();
        assertThat(state.knownShards().get(3).isClosed()).isTrue();
        ShardInfo merged = state.knownShards().get(4);
        assertThat(merged.parentShardIds())
                .containsExactly("shardId-000000000001", "shardId-000000000003");
        assertThat(merged.startingSequenceNumber())
                .isEqualTo("49590338271579459589353815030927713969012169385160261698");

        assertThat(state.assignedShards())
                .containsExactly("shardId-000000000001", "shardId-000000000002");
        assertThat(state.finishedShards())
                .containsExactly("shardId-000000000000", "shardId-000000000003");

        assertThat(state.unassignedSplits())
                .extracting(ShardSplit::shardId)
                .containsExactly(
                        "shardId-000000000004",
                        "shardId-000000000005",
                        "shardId-000000000006",
                        "shardId-000000000008",
                        "shardId-000000000009");
        assertThat(state.unassignedSplits().get(0).startingPosition())
                .isEqualTo(StartingPosition.trimHorizon());
        assertThat(state.unassignedSplits().get(0).parentShardIds())
                .containsExactly("shardId-000000000001", "shardId-000000000003");
        assertThat(state.unassignedSplits().get(1).startingPosition())
                .isEqualTo(StartingPosition.atTimestamp(Instant.ofEpochMilli(1_699_999_000_456L)));
        assertThat(state.unassignedSplits().get(2).startingPosition())
                .isEqualTo(StartingPosition.latest());
        assertThat(state.unassignedSplits().get(3).startingPosition())
                .isEqualTo(
                        StartingPosition.atSequenceNumber(
                                "49590338271490256608559692538361571095921575989136588800"));
        assertThat(state.unassignedSplits().get(4).startingPosition())
                .isEqualTo(
                        StartingPosition.afterSequenceNumber(
                                "49590338271490256608559692538361571095921575989136588899"));
        assertThat(state.unassignedSplits().get(4).isFinished()).isTrue();
        assertThat(state.unassignedSplits())
                .allSatisfy(s -> assertThat(s.stopAtArrivalMillis()).isEqualTo(1_700_000_500_000L));

        assertThat(state.initialDiscoveryDone()).isTrue();
        assertThat(state.stopAtArrivalMillis()).isEqualTo(1_700_000_500_000L);

        assertSameState(state, SerializerFixtures.enumeratorStateV1());
    }

    @Test
    void version1IsStillWrittenByteForByteAsTheFixture() throws IOException {
        if (serializer.getVersion() != 1) {
            // a newer layout is written now; the v1 fixture is only read
            return;
        }
        assertThat(serializer.serialize(SerializerFixtures.enumeratorStateV1()))
                .isEqualTo(SerializerFixtures.read(SerializerFixtures.ENUMERATOR_STATE_V1));
    }

    @Test
    void unknownVersionFailsNamingTheVersion() throws IOException {
        byte[] bytes = serializer.serialize(SerializerFixtures.enumeratorStateV1());

        assertThatThrownBy(() -> serializer.deserialize(3, bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("version 3");
        assertThatThrownBy(() -> serializer.deserialize(-1, bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("version -1");
    }

    @Test
    void truncatedStateFails() throws IOException {
        byte[] bytes = serializer.serialize(SerializerFixtures.enumeratorStateV1());

        assertThatThrownBy(() -> serializer.deserialize(1, Arrays.copyOf(bytes, bytes.length - 4)))
                .isInstanceOf(IOException.class);
    }

    private KinesisEnumeratorState roundTrip(KinesisEnumeratorState state) throws IOException {
        return serializer.deserialize(serializer.getVersion(), serializer.serialize(state));
    }

    private static void assertSameState(
            KinesisEnumeratorState actual, KinesisEnumeratorState expected) {
        assertThat(actual.knownShards()).containsExactlyElementsOf(expected.knownShards());
        // ShardInfo.equals compares every field; check the parents and closure explicitly too
        for (int i = 0; i < expected.knownShards().size(); i++) {
            ShardInfo a = actual.knownShards().get(i);
            ShardInfo e = expected.knownShards().get(i);
            assertThat(a.parentShardId()).isEqualTo(e.parentShardId());
            assertThat(a.adjacentParentShardId()).isEqualTo(e.adjacentParentShardId());
            assertThat(a.startingSequenceNumber()).isEqualTo(e.startingSequenceNumber());
            assertThat(a.endingSequenceNumber()).isEqualTo(e.endingSequenceNumber());
        }
        assertThat(actual.assignedShards()).containsExactlyElementsOf(expected.assignedShards());
        assertThat(actual.finishedShards()).containsExactlyElementsOf(expected.finishedShards());
        assertThat(actual.unassignedSplits())
                .containsExactlyElementsOf(expected.unassignedSplits());
        assertThat(actual.initialDiscoveryDone()).isEqualTo(expected.initialDiscoveryDone());
        assertThat(actual.stopAtArrivalMillis()).isEqualTo(expected.stopAtArrivalMillis());
    }
}
