package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.discovery.ShardLineage;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.Producer;
import io.github.kinesisconsumer.testing.TestStream;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** Split and merge while a job reads and a producer writes. */
class KinesisSourceReshardingTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkCluster.of(1, 2);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    private static final int KEYS = 40;

    @BeforeEach
    void reset() {
        Emitted.reset();
    }

    @Test
    void perKeyOrderAndNoLossAcrossSplitAndMerge() throws Exception {
        run(b -> b, 2_000);
    }

    /**
     * The same by enhanced fan-out on kinesis-local. kinesis-local never ends a subscription to a
     * closed shard, so the shard end is found by the reader's closed-shard check (GetShardIterator
     * after the continuation + GetRecords with no record and no next iterator), here every 300 ms
     * of caught-up silence; real Kinesis signals it on the subscription. A child may start up to 6
     * s (not 2 s) after its parents' last record: kinesis-local answers a new subscription's first
     * event about 2 s after SubscribeToShard and then sends one event per second, so the parent's
     * end is seen up to a second late and the child's first records come ~2 s after it is assigned.
     */
    @Test
    void perKeyOrderAndNoLossAcrossSplitAndMergeEnhancedFanOut() throws Exception {
        run(
                b ->
                        b.enhancedFanOut("resharding-efo")
                                .set(
                                        KinesisSourceOptions.EFO_CLOSED_SHARD_PROBE_INTERVAL,
                                        Duration.ofMillis(300)),
                6_000);
    }

    private void run(
            UnaryOperator<KinesisSourceBuilder<Tuple3<String, String, String>>> mode,
            long maxChildDelayMillis)
            throws Exception {
        TestStream stream = KINESIS.createStream(4);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        env.fromSource(
                        mode.apply(
                                        KinesisSource.<Tuple3<String, String, String>>builder()
                                                .streamName(stream.name())
                                                .appName("resharding-test")
                                                .clientSettings(KINESIS.clientSettings())
                                                .startingPosition(StartingPosition.trimHorizon())
                                                .deserializer(new Emitted.Schema()))
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "kinesis")
                .map(new Emitted.Sink())
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("resharding " + stream.name());

        Producer producer = Producer.start(stream, KEYS, 40, 20, "");
        try {
            sleep(2_000);
            stream.split("shardId-000000000000");
            sleep(2_000);
            stream.merge("shardId-000000000002", "shardId-000000000003");
            sleep(2_000);
        } finally {
            producer.stop();
        }
        int total = producer.written();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (Emitted.ENTRIES.size() < total && System.nanoTime() < deadline) {
            sleep(100);
        }
        sleep(1_000);
        job.cancel().get();

        List<Emitted.Entry> entries = Emitted.all();
        entries.sort((a, b) -> Long.compare(a.nanos, b.nanos));
        Map<String, List<Integer>> perKey = new HashMap<>();
        for (Emitted.Entry e : entries) {
            perKey.computeIfAbsent(e.key, k -> new ArrayList<>()).add(Integer.parseInt(e.payload));
        }
        for (Map.Entry<String, List<Integer>> key : perKey.entrySet()) {
            int k = Integer.parseInt(key.getKey().substring(4));
            List<Integer> expected = new ArrayList<>();
            for (int i = k; i < total; i += KEYS) {
                expected.add(i);
            }
            assertThat(key.getValue())
                    .as("records of %s in emit order", key.getKey())
                    .containsExactlyElementsOf(expected);
        }
        assertThat(entries).hasSize(total);

        ShardLineage lineage = ShardLineage.of(stream.shards());
        printAndCheckChildDelay(lineage, entries, maxChildDelayMillis, "shardId-000000000000");
        printAndCheckChildDelay(lineage, entries, maxChildDelayMillis, "shardId-000000000002");
        printAndCheckChildDelay(lineage, entries, maxChildDelayMillis, "shardId-000000000003");
        System.out.printf(
                "resharding: %d records over %d shards, all in order%n", total, lineage.size());
    }

    private static void printAndCheckChildDelay(
            ShardLineage lineage, List<Emitted.Entry> entries, long maxDelayMillis, String parent) {
        long parentLast = Long.MIN_VALUE;
        Map<String, Long> childFirst = new HashMap<>();
        List<String> children = lineage.childrenOf(parent);
        assertThat(children).as("children of %s", parent).isNotEmpty();
        for (Emitted.Entry e : entries) {
            if (e.shardId.equals(parent)) {
                parentLast = Math.max(parentLast, e.nanos);
            } else if (children.contains(e.shardId)) {
                childFirst.merge(e.shardId, e.nanos, Math::min);
            }
        }
        for (String child : children) {
            ShardInfo info = lineage.get(child);
            long last = parentLast;
            for (String p : info.parentShardIds()) {
                for (Emitted.Entry e : entries) {
                    if (e.shardId.equals(p)) {
                        last = Math.max(last, e.nanos);
                    }
                }
            }
            assertThat(childFirst).as("child %s was read", child).containsKey(child);
            long delayMillis = (childFirst.get(child) - last) / 1_000_000;
            System.out.printf(
                    "child %s of %s: first record %d ms after the last parent record%n",
                    child, info.parentShardIds(), delayMillis);
            assertThat(delayMillis).as("child %s starts after its parents", child).isPositive();
            assertThat(delayMillis)
                    .as("child %s starts within %d ms", child, maxDelayMillis)
                    .isLessThan(maxDelayMillis);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
