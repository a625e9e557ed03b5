package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.kinesis.ShardLineage;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.Producer;
import io.github.kinesisconsumer.testing.TestStream;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Split and merge while a job reads and a producer writes. */
class KinesisSourceReshardingTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    private static final int KEYS = 40;

    @BeforeEach
    void reset() {
        Emitted.reset();
    }

    @Test
    void perKeyOrderAndNoLossAcrossSplitAndMerge() throws Exception {
        TestStream stream = KINESIS.createStream(4);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        env.fromSource(
                        KinesisSource.<Tuple3<String, String, String>>builder()
                                .streamName(stream.name())
                                .appName("resharding-test")
                                .clientSettings(KINESIS.clientSettings())
                                .startingPosition(StartingPosition.trimHorizon())
                                .deserializer(new Emitted.Schema())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "kinesis")
                .addSink(new Emitted.Sink());
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
        printAndCheckChildDelay(lineage, entries, "shardId-000000000000");
        printAndCheckChildDelay(lineage, entries, "shardId-000000000002");
        printAndCheckChildDelay(lineage, entries, "shardId-000000000003");
        System.out.printf(
                "resharding: %d records over %d shards, all in order%n", total, lineage.size());
    }

    private static void printAndCheckChildDelay(
            ShardLineage lineage, List<Emitted.Entry> entries, String parent) {
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
            assertThat(delayMillis).as("child %s starts within 2 s", child).isLessThan(2_000);
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
