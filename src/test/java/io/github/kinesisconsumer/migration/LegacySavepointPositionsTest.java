package io.github.kinesisconsumer.migration;

import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.migration.PriorPosition.Kind;
import io.github.kinesisconsumer.source.KinesisSource;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.model.Shard;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link LegacySavepointPositions} reads from a real legacy {@code FlinkKinesisConsumer}
 * savepoint, shard by shard, against what the legacy job's sink had committed: the parent it read
 * to its end is {@link Kind#SHARD_END}, a child it discovered but had nothing to read in is {@link
 * Kind#TRIM_HORIZON}, every other shard is after the highest sequence number its sink committed
 * there. Then a {@link KinesisSource} job started from {@link MigrationPlan#startingPosition} reads
 * every other record, once, in key order.
 *
 * <p>The legacy job and the reader run in JVMs of their own with the legacy connector's jar (see
 * {@link LegacyJobProcess}); the positions come back through a file.
 */
class LegacySavepointPositionsTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkCluster.of(1, 2);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    private static final String UID = "legacy-kinesis";
    static final ConcurrentLinkedQueue<String[]> READ = new ConcurrentLinkedQueue<>();

    private int nextPayload;

    @Test
    void positionsAreWhereTheLegacySinkStoppedAndAKinesisSourceReadsTheRestOnce(@TempDir Path dir)
            throws Exception {
        TestStream stream = KINESIS.createStream(2);
        String parent = stream.shardIds().get(0);
        List<String> allKeys = keys(40);
        List<WrittenRecord> written = new ArrayList<>(put(stream, 200, allKeys));
        Path processed = dir.resolve("processed.txt");
        Process legacy =
                LegacySavepointMigrationTest.java(dir.resolve("legacy.log"))
                        .command(
                                LegacySavepointMigrationTest.command(
                                        LegacyJobProcess.class.getName(),
                                        KINESIS.emulator().endpoint(),
                                        stream.name(),
                                        UID,
                                        dir.toString()))
                        .start();
        String emptyChild;
        try {
            waitUpTo(() -> lines(processed).size() >= 30, "the legacy job's first records", dir);
            stream.split(parent);
            List<Shard> children =
                    stream
                            .client()
                            .listShards(r -> r.streamName(stream.name()))
                            .join()
                            .shards()
                            .stream()
                            .filter(s -> parent.equals(s.parentShardId()))
                            .collect(Collectors.toList());
            assertThat(children).hasSize(2);
            emptyChild = children.get(1).shardId();
            Shard empty = children.get(1);
            List<String> avoiding =
                    allKeys.stream().filter(k -> !inRange(k, empty)).collect(Collectors.toList());
            List<WrittenRecord> later = put(stream, 300, avoiding);
            assertThat(later).noneMatch(w -> w.shardId.equals(empty.shardId()));
            assertThat(later).anyMatch(w -> w.shardId.equals(children.get(0).shardId()));
            written.addAll(later);
            Set<String> parentRecords =
                    written.stream()
                            .filter(w -> w.shardId.equals(parent))
                            .map(WrittenRecord::text)
                            .collect(Collectors.toSet());
            waitUpTo(
                    () -> new HashSet<>(lines(processed)).containsAll(parentRecords),
                    "the legacy job finishing the parent shard",
                    dir);
            Thread.sleep(1_500);
            written.addAll(put(stream, 200, avoiding));
            Thread.sleep(500);
            Files.createFile(dir.resolve("stop"));
            waitUpTo(() -> Files.exists(dir.resolve("savepoint")), "the savepoint", dir);
            assertThat(legacy.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            legacy.destroyForcibly();
        }
        String savepoint = Files.readString(dir.resolve("savepoint")).trim();
        List<String> legacyRead = lines(processed);
        System.out.printf(
                "legacy job: committed %d of %d records at savepoint %s%n",
                legacyRead.size(), written.size(), savepoint);
        assertThat(legacyRead)
                .as("the legacy job stopped part-way")
                .hasSizeLessThan(written.size());
        assertThat(new HashSet<>(legacyRead)).as("no record twice").hasSize(legacyRead.size());

        List<PriorPosition> positions = readInLegacyJvm(savepoint, dir);
        System.out.println("positions: " + positions);
        Map<String, PriorPosition> byShard = new TreeMap<>();
        positions.forEach(p -> byShard.put(p.shardId(), p));
        assertThat(byShard).as("one position per shard").hasSize(positions.size());
        assertThat(byShard).isEqualTo(expected(stream, parent, written, legacyRead));
        assertThat(byShard.get(parent).kind()).isEqualTo(Kind.SHARD_END);
        assertThat(byShard.get(emptyChild).kind()).isEqualTo(Kind.TRIM_HORIZON);

        PositionSource earlier = listed(positions);
        MigrationPlan plan = MigrationPlan.of(earlier, stream.name(), stream.shards());
        System.out.print(plan.table());
        written.addAll(put(stream, 100, allKeys));
        assertThat(written).anyMatch(w -> w.shardId.equals(emptyChild));
        READ.clear();
        int remaining = written.size() - legacyRead.size();
        JobClient job = start(stream, plan.startingPosition(StartingPosition.latest()));
        try {
            waitUpTo(() -> READ.size() >= remaining, "the new job's records", dir);
            Thread.sleep(2_000);
        } finally {
            job.cancel().get();
        }
        List<String[]> newRead = new ArrayList<>(READ);
        System.out.printf(
                "legacy %d + KinesisSource %d = %d of %d written%n",
                legacyRead.size(),
                newRead.size(),
                legacyRead.size() + newRead.size(),
                written.size());
        assertOnceInKeyOrder(written, legacyRead, newRead);
    }

    @Test
    void aShardWithNothingReadKeepsTheConfiguredStart(@TempDir Path dir) throws Exception {
        for (Kind start : List.of(Kind.LATEST, Kind.AT_TIMESTAMP)) {
            Path work = Files.createDirectory(dir.resolve(start.name()));
            TestStream stream = KINESIS.createStream(2);
            List<Shard> shards =
                    stream.client().listShards(r -> r.streamName(stream.name())).join().shards();
            Shard quiet = shards.get(0);
            Shard busy = shards.get(1);
            List<String> busyKeys =
                    keys(40).stream().filter(k -> inRange(k, busy)).collect(Collectors.toList());
            Path processed = work.resolve("processed.txt");
            List<WrittenRecord> written = new ArrayList<>();
            Process legacy =
                    LegacySavepointMigrationTest.java(work.resolve("legacy.log"))
                            .command(
                                    LegacySavepointMigrationTest.command(
                                            LegacyJobProcess.class.getName(),
                                            KINESIS.emulator().endpoint(),
                                            stream.name(),
                                            UID,
                                            work.toString(),
                                            start.name()))
                            .start();
            try {
                waitUpTo(
                        () -> {
                            if (!lines(processed).isEmpty()) {
                                return true;
                            }
                            written.addAll(put(stream, 2, busyKeys));
                            return false;
                        },
                        "the legacy job reading from " + start,
                        work);
                Files.createFile(work.resolve("stop"));
                waitUpTo(() -> Files.exists(work.resolve("savepoint")), "the savepoint", work);
                assertThat(legacy.waitFor(60, TimeUnit.SECONDS)).isTrue();
            } finally {
                legacy.destroyForcibly();
            }
            String savepoint = Files.readString(work.resolve("savepoint")).trim();
            Set<String> committed = new HashSet<>(lines(processed));
            String last =
                    written.stream()
                            .filter(w -> committed.contains(w.text()))
                            .map(w -> new BigInteger(w.sequenceNumber))
                            .max(BigInteger::compareTo)
                            .orElseThrow()
                            .toString();
            List<PriorPosition> positions = readInLegacyJvm(savepoint, work);
            System.out.println(start + " start, positions: " + positions);
            assertThat(positions)
                    .containsExactlyInAnyOrder(
                            PriorPosition.sentinel(stream.name(), quiet.shardId(), start),
                            PriorPosition.after(stream.name(), busy.shardId(), last, -1));
        }
    }

    /** What the legacy sink committed says each shard's position must be. */
    private static Map<String, PriorPosition> expected(
            TestStream stream, String parent, List<WrittenRecord> written, List<String> read) {
        Set<String> committed = new HashSet<>(read);
        Map<String, PriorPosition> want = new TreeMap<>();
        for (String shard : stream.shardIds()) {
            BigInteger last = null;
            for (WrittenRecord w : written) {
                BigInteger seq = new BigInteger(w.sequenceNumber);
                if (w.shardId.equals(shard)
                        && committed.contains(w.text())
                        && (last == null || seq.compareTo(last) > 0)) {
                    last = seq;
                }
            }
            if (shard.equals(parent)) {
                want.put(shard, PriorPosition.sentinel(stream.name(), shard, Kind.SHARD_END));
            } else if (last == null) {
                want.put(shard, PriorPosition.sentinel(stream.name(), shard, Kind.TRIM_HORIZON));
            } else {
                want.put(shard, PriorPosition.after(stream.name(), shard, last.toString(), -1));
            }
        }
        return want;
    }

    /** Per key: the legacy job's records, then the new job's, are exactly the written ones. */
    private static void assertOnceInKeyOrder(
            List<WrittenRecord> written, List<String> legacyRead, List<String[]> newRead) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, List<String>> want = new TreeMap<>();
        for (int i = 0; i < written.size(); i++) {
            WrittenRecord w = written.get(i);
            index.put(w.text(), i);
            want.computeIfAbsent(w.partitionKey, k -> new ArrayList<>()).add(w.text());
        }
        Map<String, List<String>> got = new TreeMap<>();
        legacyRead.stream()
                .sorted((a, b) -> Integer.compare(index.get(a), index.get(b)))
                .forEach(
                        p ->
                                got.computeIfAbsent(
                                                written.get(index.get(p)).partitionKey,
                                                k -> new ArrayList<>())
                                        .add(p));
        newRead.forEach(r -> got.computeIfAbsent(r[0], k -> new ArrayList<>()).add(r[1]));
        assertThat(legacyRead.size() + newRead.size()).isEqualTo(written.size());
        assertThat(got)
                .as("per key: the legacy job's records, then the new job's, in write order")
                .isEqualTo(want);
    }

    private static List<PriorPosition> readInLegacyJvm(String savepoint, Path dir)
            throws Exception {
        List<PriorPosition> positions = new ArrayList<>();
        for (String line :
                SavepointPositionsDump.run(
                        SavepointPositionsDump.legacyJar(), savepoint, UID, dir)) {
            String[] f = line.split(",");
            Kind kind = Kind.valueOf(f[0]);
            positions.add(
                    kind == Kind.AFTER_SEQUENCE
                            ? PriorPosition.after(f[1], f[2], f[3], Long.parseLong(f[4]))
                            : PriorPosition.sentinel(f[1], f[2], kind));
        }
        return positions;
    }

    private static PositionSource listed(List<PriorPosition> positions) {
        return new PositionSource() {
            @Override
            public String description() {
                return "positions read from the legacy savepoint";
            }

            @Override
            public List<PriorPosition> read() {
                return positions;
            }
        };
    }

    private static JobClient start(TestStream stream, StartingPosition start) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.fromSource(
                        KinesisSource.<Tuple2<String, String>>builder()
                                .streamName(stream.name())
                                .appName("after-legacy")
                                .clientSettings(KINESIS.clientSettings())
                                .startingPosition(start)
                                .deserializer(new LegacySavepointMigrationTest.KeyAndPayload())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "kinesis")
                .map(new Collect())
                .sinkTo(new DiscardingSink<>());
        return env.executeAsync("after the legacy job");
    }

    static final class Collect implements MapFunction<Tuple2<String, String>, String> {
        @Override
        public String map(Tuple2<String, String> r) {
            READ.add(new String[] {r.f0, r.f1});
            return r.f1;
        }
    }

    private static boolean inRange(String key, Shard shard) {
        try {
            BigInteger hash =
                    new BigInteger(
                            1,
                            MessageDigest.getInstance("MD5")
                                    .digest(key.getBytes(StandardCharsets.UTF_8)));
            return hash.compareTo(new BigInteger(shard.hashKeyRange().startingHashKey())) >= 0
                    && hash.compareTo(new BigInteger(shard.hashKeyRange().endingHashKey())) <= 0;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> keys(int n) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add("key-" + i);
        }
        return keys;
    }

    private List<WrittenRecord> put(TestStream stream, int count, List<String> keys) {
        int base = nextPayload;
        nextPayload += count;
        return stream.put(count, i -> keys.get((base + i) % keys.size()), i -> "r-" + (base + i));
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file)
                    ? Files.readAllLines(file, StandardCharsets.UTF_8)
                    : List.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void waitUpTo(BooleanSupplier condition, String what, Path dir)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                Path log = dir.resolve("legacy.log");
                throw new AssertionError(
                        "timed out waiting for "
                                + what
                                + (Files.exists(log)
                                        ? "; legacy job log:\n" + Files.readString(log)
                                        : ""));
            }
            Thread.sleep(100);
        }
    }
}
