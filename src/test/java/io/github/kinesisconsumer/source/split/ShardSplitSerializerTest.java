package io.github.kinesisconsumer.source.split;

import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.SerializerFixtures;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Round trips, the checked-in version-1 layout, and unknown versions of {@link ShardSplit}. */
class ShardSplitSerializerTest {

    private static final String SEQ = "49590338271490256608559692538361571095921575989136588898";

    private final ShardSplitSerializer serializer = new ShardSplitSerializer();

    static Stream<StartingPosition> positions() {
        return Stream.of(
                StartingPosition.latest(),
                StartingPosition.trimHorizon(),
                StartingPosition.atTimestamp(Instant.ofEpochMilli(1_700_000_000_123L)),
                StartingPosition.atTimestamp(Instant.EPOCH),
                StartingPosition.atSequenceNumber(SEQ),
                StartingPosition.afterSequenceNumber(SEQ),
                StartingPosition.afterSequenceNumber(SEQ, 0),
                StartingPosition.afterSequenceNumber(SEQ, 41),
                StartingPosition.afterSequenceNumber("1", Long.MAX_VALUE));
    }

    static Stream<ShardSplit> splits() {
        List<List<String>> parentSets =
                Arrays.asList(
                        Collections.emptyList(),
                        Collections.singletonList("shardId-000000000001"),
                        Arrays.asList("shardId-000000000001", "shardId-000000000002"));
        List<ShardSplit> out = new ArrayList<>();
        for (StartingPosition position : positions().toArray(StartingPosition[]::new)) {
            for (List<String> parents : parentSets) {
                for (long stopAt : new long[] {ShardSplit.NO_STOP, 1_700_000_500_000L, 0L}) {
                    for (boolean finished : new boolean[] {false, true}) {
                        out.add(
                                new ShardSplit(
                                        "shardId-000000000009",
                                        position,
                                        new ArrayList<>(parents),
                                        stopAt,
                                        finished));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("splits")
    void roundTripsEveryPositionParentCountBoundAndFinishedFlag(ShardSplit split)
            throws IOException {
        ShardSplit back =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(split));

        assertThat(back).isEqualTo(split);
        assertThat(back.shardId()).isEqualTo(split.shardId());
        assertThat(back.startingPosition().type()).isEqualTo(split.startingPosition().type());
        assertThat(back.startingPosition().sequenceNumber())
                .isEqualTo(split.startingPosition().sequenceNumber());
        assertThat(back.startingPosition().subSequenceNumber())
                .isEqualTo(split.startingPosition().subSequenceNumber());
        assertThat(back.startingPosition().timestamp())
                .isEqualTo(split.startingPosition().timestamp());
        assertThat(back.parentShardIds()).containsExactlyElementsOf(split.parentShardIds());
        assertThat(back.stopAtArrivalMillis()).isEqualTo(split.stopAtArrivalMillis());
        assertThat(back.isBounded()).isEqualTo(split.isBounded());
        assertThat(back.isFinished()).isEqualTo(split.isFinished());
    }

    @Test
    void roundTripsLongAsciiShardIdsAndParentIds() throws IOException {
        for (int length : new int[] {128, 4_096, 60_000}) {
            String id = "shardId-" + "7".repeat(length);
            String parent = "shardId-" + "3".repeat(length);
            ShardSplit split =
                    new ShardSplit(
                            id,
                            StartingPosition.afterSequenceNumber("9".repeat(length), 2),
                            Arrays.asList(parent, parent + "4"),
                            42L,
                            true);

            ShardSplit back = serializer.deserialize(1, serializer.serialize(split));

            assertThat(back).isEqualTo(split);
            assertThat(back.shardId()).hasSize(id.length());
            assertThat(back.splitId()).isEqualTo(id);
        }
    }

    @Test
    void distinguishesSplitsThatDifferInOneField() throws IOException {
        ShardSplit base =
                new ShardSplit(
                        "shardId-000000000001",
                        StartingPosition.afterSequenceNumber(SEQ),
                        List.of("shardId-000000000000"),
                        ShardSplit.NO_STOP,
                        false);
        List<ShardSplit> variants =
                Arrays.asList(
                        base,
                        base.withPosition(StartingPosition.afterSequenceNumber(SEQ, 0)),
                        base.withPosition(StartingPosition.atSequenceNumber(SEQ)),
                        base.asFinished(),
                        new ShardSplit(
                                "shardId-000000000001",
                                StartingPosition.afterSequenceNumber(SEQ),
                                List.of(),
                                ShardSplit.NO_STOP,
                                false),
                        new ShardSplit(
                                "shardId-000000000001",
                                StartingPosition.afterSequenceNumber(SEQ),
                                List.of("shardId-000000000000"),
                                ShardSplit.NO_STOP - 1,
                                false));
        List<ShardSplit> back = new ArrayList<>();
        for (ShardSplit v : variants) {
            back.add(serializer.deserialize(1, serializer.serialize(v)));
        }
        assertThat(back).containsExactlyElementsOf(variants).doesNotHaveDuplicates();
    }

    @Test
    void readsTheCheckedInVersion1Fixture() throws IOException {
        byte[] bytes = SerializerFixtures.read(SerializerFixtures.SHARD_SPLIT_V1);

        ShardSplit split = serializer.deserialize(1, bytes);

        assertThat(split.shardId()).isEqualTo("shardId-000000000007");
        assertThat(split.startingPosition().type())
                .isEqualTo(StartingPosition.Type.AFTER_SEQUENCE_NUMBER);
        assertThat(split.startingPosition().sequenceNumber())
                .isEqualTo("49590338271490256608559692538361571095921575989136588898");
        assertThat(split.startingPosition().subSequenceNumber()).isEqualTo(3L);
        assertThat(split.startingPosition().resumesInsideAggregate()).isTrue();
        assertThat(split.parentShardIds())
                .containsExactly("shardId-000000000002", "shardId-000000000003");
        assertThat(split.stopAtArrivalMillis()).isEqualTo(1_700_000_000_123L);
        assertThat(split.isBounded()).isTrue();
        assertThat(split.isFinished()).isTrue();
        assertThat(split).isEqualTo(SerializerFixtures.shardSplitV1());
    }

    @Test
    void version1IsStillWrittenByteForByteAsTheFixture() throws IOException {
        if (serializer.getVersion() != 1) {
            // a newer layout is written now; the v1 fixture is only read
            return;
        }
        assertThat(serializer.serialize(SerializerFixtures.shardSplitV1()))
                .isEqualTo(SerializerFixtures.read(SerializerFixtures.SHARD_SPLIT_V1));
    }

    @Test
    void unknownVersionFailsNamingTheVersion() throws IOException {
        byte[] bytes = serializer.serialize(SerializerFixtures.shardSplitV1());

        assertThatThrownBy(() -> serializer.deserialize(7, bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("version 7");
        assertThatThrownBy(() -> serializer.deserialize(0, bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("version 0");
    }

    @Test
    void unknownPositionTypeFails() throws IOException {
        byte[] bytes = serializer.serialize(SerializerFixtures.shardSplitV1());
        // layout: UTF length (2 bytes) + shard id, then the position type byte
        int typeOffset = 2 + "shardId-000000000007".length();
        assertThat(bytes[typeOffset])
                .isEqualTo((byte) StartingPosition.Type.AFTER_SEQUENCE_NUMBER.ordinal());
        bytes[typeOffset] = 9;

        assertThatThrownBy(() -> serializer.deserialize(1, bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("type 9");
    }

    @Test
    void truncatedBytesFail() throws IOException {
        byte[] bytes = serializer.serialize(SerializerFixtures.shardSplitV1());

        assertThatThrownBy(
                        () ->
                                serializer.deserialize(
                                        serializer.getVersion(),
                                        Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(IOException.class);
    }

    @Test
    void storeHintsSurviveARoundTripAndVersion1ReadsWithout() throws IOException {
        ShardSplit split =
                new ShardSplit(
                        "shardId-000000000003",
                        StartingPosition.afterSequenceNumber("500", 4),
                        List.of(),
                        ShardSplit.NO_STOP,
                        false,
                        "499",
                        "100");

        ShardSplit back =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(split));

        assertThat(back.wholeRecordSequence()).isEqualTo("499");
        assertThat(back.emptyShardSequence()).isEqualTo("100");
        ShardSplit v1 =
                serializer.deserialize(
                        1, SerializerFixtures.read(SerializerFixtures.SHARD_SPLIT_V1));
        assertThat(v1.wholeRecordSequence()).isNull();
        assertThat(v1.emptyShardSequence()).isNull();
    }
}
