package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.enumerator.KinesisEnumeratorState;
import io.github.kinesisconsumer.source.enumerator.KinesisEnumeratorStateSerializer;
import io.github.kinesisconsumer.source.split.ShardSplit;
import io.github.kinesisconsumer.source.split.ShardSplitSerializer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The objects behind the checked-in version-1 serializer fixtures in {@code
 * src/test/resources/serializer-fixtures/}, and the helper that wrote those files once.
 *
 * <p>The fixture files are state that a job of an older build may have written to a checkpoint:
 * they must never be regenerated after a layout change. A new layout gets a new version and new
 * fixture files next to the old ones; the old files keep being read by the tests.
 */
public final class SerializerFixtures {

    public static final String SHARD_SPLIT_V1 = "/serializer-fixtures/shard-split-v1.bin";
    public static final String ENUMERATOR_STATE_V1 = "/serializer-fixtures/enumerator-state-v1.bin";

    private SerializerFixtures() {}

    /** The split stored in {@link #SHARD_SPLIT_V1}. */
    public static ShardSplit shardSplitV1() {
        return new ShardSplit(
                "shardId-000000000007",
                StartingPosition.afterSequenceNumber(
                        "49590338271490256608559692538361571095921575989136588898", 3),
                Arrays.asList("shardId-000000000002", "shardId-000000000003"),
                1_700_000_000_123L,
                true);
    }

    /** The state stored in {@link #ENUMERATOR_STATE_V1}. */
    public static KinesisEnumeratorState enumeratorStateV1() {
        String seq0 = "49590338271490256608559692538361571095921575989136588800";
        String seq0End = "49590338271490256608559692538361571095921575989136588899";
        List<ShardInfo> known =
                Arrays.asList(
                        // closed parent of a split
                        new ShardInfo("shardId-000000000000", null, null, seq0, seq0End),
                        // open shard, no parents
                        new ShardInfo(
                                "shardId-000000000001",
                                null,
                                null,
                                "49590338271512557353758223161503106814194224300642320402",
                                null),
                        // the two children of the split of shard 0
                        new ShardInfo(
                                "shardId-000000000002",
                                "shardId-000000000000",
                                null,
                                "49590338271534858098956753784644642532466872662148300834",
                                null),
                        new ShardInfo(
                                "shardId-000000000003",
                                "shardId-000000000000",
                                null,
                                "49590338271557158844155284407786178250739521023654281266",
                                "49590338271557158844155284407786178250739521023654281999"),
                        // merge child of shards 1 and 3
                        new ShardInfo(
                                "shardId-000000000004",
                                "shardId-000000000001",
                                "shardId-000000000003",
                                "49590338271579459589353815030927713969012169385160261698",
                                null));
        LinkedHashSet<String> assigned =
                new LinkedHashSet<>(Arrays.asList("shardId-000000000001", "shardId-000000000002"));
        LinkedHashSet<String> finished =
                new LinkedHashSet<>(Arrays.asList("shardId-000000000000", "shardId-000000000003"));
        List<ShardSplit> unassigned =
                Arrays.asList(
                        new ShardSplit(
                                "shardId-000000000004",
                                StartingPosition.trimHorizon(),
                                Arrays.asList("shardId-000000000001", "shardId-000000000003"),
                                1_700_000_500_000L,
                                false),
                        new ShardSplit(
                                "shardId-000000000005",
                                StartingPosition.atTimestamp(
                                        Instant.ofEpochMilli(1_699_999_000_456L)),
                                Arrays.asList("shardId-000000000004"),
                                1_700_000_500_000L,
                                false),
                        new ShardSplit(
                                "shardId-000000000006",
                                StartingPosition.latest(),
                                List.of(),
                                1_700_000_500_000L,
                                false),
                        new ShardSplit(
                                "shardId-000000000008",
                                StartingPosition.atSequenceNumber(seq0),
                                List.of(),
                                1_700_000_500_000L,
                                false),
                        new ShardSplit(
                                "shardId-000000000009",
                                StartingPosition.afterSequenceNumber(seq0End),
                                List.of(),
                                1_700_000_500_000L,
                                true));
        return new KinesisEnumeratorState(
                known, assigned, finished, unassigned, true, 1_700_000_500_000L);
    }

    /** Reads a fixture from the test classpath. */
    public static byte[] read(String resource) {
        try (InputStream in = SerializerFixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the version-1 fixture files into {@code dir} with the serializers of this build. Used
     * once, when version 1 was current; see {@code RegenerateSerializerFixtures}.
     */
    public static void writeVersion1(Path dir) throws IOException {
        if (ShardSplitSerializer.VERSION != 1 || KinesisEnumeratorStateSerializer.VERSION != 1) {
            throw new IllegalStateException(
                    "the serializers now write another version: keep the v1 fixtures as they are"
                            + " and add fixtures for the new version");
        }
        Files.createDirectories(dir);
        Files.write(
                dir.resolve("shard-split-v1.bin"),
                new ShardSplitSerializer().serialize(shardSplitV1()));
        Files.write(
                dir.resolve("enumerator-state-v1.bin"),
                new KinesisEnumeratorStateSerializer().serialize(enumeratorStateV1()));
    }
}
