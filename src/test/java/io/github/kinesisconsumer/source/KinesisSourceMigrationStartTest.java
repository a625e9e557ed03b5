package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.migration.MigrationPlan;
import io.github.kinesisconsumer.migration.PositionSource;
import io.github.kinesisconsumer.migration.PriorPosition;
import io.github.kinesisconsumer.migration.PriorPosition.Kind;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Flink job started directly from where an earlier consumer stopped ({@link
 * MigrationPlan#startingPosition}, no store in between), with the defaults users leave: fallback
 * LATEST, parallelism 2. The earlier consumer's state covers every case: a shard part-read, a
 * parent read to its end with one child part-read and one not begun, a shard with nothing processed
 * (LATEST), and children the earlier consumer never saw. kinesis-local.
 */
class KinesisSourceMigrationStartTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkCluster.of(1, 2);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    private static final int KEYS = 30;
    private int nextPayload;

    @Test
    void readsEveryRecordAfterTheEarlierConsumersPositionsExactlyOnce() throws Exception {
        TestStream stream = KINESIS.createStream(4);
        List<String> roots = stream.shardIds();
        String a = roots.get(0);
        String b = roots.get(1);
        String c = roots.get(2);
        String d = roots.get(3);
        List<WrittenRecord> written = new ArrayList<>(put(stream, 300));
        stream.split(c);
        List<String> cChildren = newShards(stream, roots);
        written.addAll(put(stream, 200));

        WrittenRecord aLast = nth(written, a, 40);
        WrittenRecord c1Last = nth(written, cChildren.get(0), 5);
        PositionSource earlier =
                source(
                        PriorPosition.after(stream.name(), a, aLast.sequenceNumber, -1),
                        PriorPosition.sentinel(stream.name(), b, Kind.LATEST),
                        PriorPosition.sentinel(stream.name(), d, Kind.TRIM_HORIZON),
                        PriorPosition.sentinel(stream.name(), c, Kind.SHARD_END),
                        PriorPosition.after(
                                stream.name(), cChildren.get(0), c1Last.sequenceNumber, -1),
                        PriorPosition.sentinel(stream.name(), cChildren.get(1), Kind.TRIM_HORIZON));

        stream.split(a);
        written.addAll(put(stream, 200));
        MigrationPlan plan = MigrationPlan.of(earlier, stream.name(), stream.shards());
        System.out.print(plan.table());

        List<WrittenRecord> expected = new ArrayList<>();
        for (WrittenRecord w : written) {
            boolean skipped =
                    w.shardId.equals(b)
                            || w.shardId.equals(c)
                            || (w.shardId.equals(a) && !after(w, aLast))
                            || (w.shardId.equals(cChildren.get(0)) && !after(w, c1Last));
            if (!skipped) {
                expected.add(w);
            }
        }

        Emitted.reset();
        JobClient job = start(stream, plan.startingPosition(StartingPosition.latest()));
        try {
            waitUpTo(() -> Emitted.ENTRIES.size() >= expected.size());
            List<WrittenRecord> later = put(stream, 150);
            expected.addAll(later);
            waitUpTo(() -> Emitted.ENTRIES.size() >= expected.size());
            Thread.sleep(2_000);
        } finally {
            job.cancel().get();
        }
        assertReadOnceInKeyOrder(Emitted.all(), expected);
    }

    private static JobClient start(TestStream stream, StartingPosition start) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.fromSource(
                        KinesisSource
                                .<org.apache.flink.api.java.tuple.Tuple3<String, String, String>>
                                        builder()
                                .streamName(stream.name())
                                .appName("migrated-app")
                                .clientSettings(KINESIS.clientSettings())
                                .startingPosition(start)
                                .deserializer(new Emitted.Schema())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "kinesis")
                .map(new Emitted.Sink())
                .sinkTo(new DiscardingSink<>());
        return env.executeAsync("migration start");
    }

    private static PositionSource source(PriorPosition... positions) {
        return new PositionSource() {
            @Override
            public String description() {
                return "the earlier consumer's state";
            }

            @Override
            public List<PriorPosition> read() {
                return List.of(positions);
            }
        };
    }

    private static boolean after(WrittenRecord w, WrittenRecord last) {
        return new java.math.BigInteger(w.sequenceNumber)
                        .compareTo(new java.math.BigInteger(last.sequenceNumber))
                > 0;
    }

    /** The {@code n}-th record written to {@code shardId} (1-based). */
    private static WrittenRecord nth(List<WrittenRecord> written, String shardId, int n) {
        int seen = 0;
        for (WrittenRecord w : written) {
            if (w.shardId.equals(shardId) && ++seen == n) {
                return w;
            }
        }
        throw new IllegalStateException("shard " + shardId + " got only " + seen + " records");
    }

    private static void assertReadOnceInKeyOrder(
            List<Emitted.Entry> read, List<WrittenRecord> expected) {
        Map<String, List<String>> got = new LinkedHashMap<>();
        for (Emitted.Entry e : read) {
            got.computeIfAbsent(e.key, k -> new ArrayList<>()).add(e.payload);
        }
        Map<String, List<String>> want = new LinkedHashMap<>();
        for (WrittenRecord w : expected) {
            want.computeIfAbsent(w.partitionKey, k -> new ArrayList<>()).add(w.text());
        }
        System.out.printf(
                "migration start: read %d of %d expected%n", read.size(), expected.size());
        assertThat(read).as("records read").hasSize(expected.size());
        assertThat(got).as("per key, in write order").isEqualTo(want);
    }

    private List<WrittenRecord> put(TestStream stream, int count) {
        int base = nextPayload;
        nextPayload += count;
        return stream.put(count, i -> "key-" + ((base + i) % KEYS), i -> "r-" + (base + i));
    }

    private static List<String> newShards(TestStream stream, List<String> known) {
        List<String> fresh = new ArrayList<>(stream.shardIds());
        fresh.removeAll(known);
        return fresh;
    }

    private static void waitUpTo(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}
