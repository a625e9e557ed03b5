package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.testing.Await;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-shard metrics live as long as the shard is read: when a shard finishes (here a parent after a
 * split), its {@code millisBehindLatest} gauge is unregistered from the metric reporters, while the
 * shards still read keep theirs.
 */
class KinesisSourceShardMetricsTest {

    private static final InMemoryReporter REPORTER = InMemoryReporter.create();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.reportingTo(REPORTER, 1, 2);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    private static final Pattern SHARD_GAUGE =
            Pattern.compile("\\.shardId\\.(shardId-\\d+)\\.millisBehindLatest$");

    @BeforeEach
    void reset() {
        Emitted.reset();
    }

    @Test
    void finishedShardsGaugesAreUnregistered() throws Exception {
        TestStream stream = KINESIS.createStream(2);
        String parent = "shardId-000000000000";
        String other = "shardId-000000000001";
        stream.putSequential(200, 20);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        env.fromSource(
                        KinesisSource.<Tuple3<String, String, String>>builder()
                                .streamName(stream.name())
                                .appName("shard-metrics")
                                .clientSettings(KINESIS.clientSettings())
                                .startingPosition(StartingPosition.trimHorizon())
                                .deserializer(new Emitted.Schema())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "kinesis")
                .map(new Emitted.Sink())
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("shard metrics " + stream.name());
        try {
            Await.until(() -> Emitted.ENTRIES.size() >= 200, Duration.ofSeconds(60), "200 records");
            assertThat(shardGauges(job)).containsExactlyInAnyOrder(parent, other);

            stream.split(parent);
            List<String> children = stream.shardIds().subList(2, 4);
            stream.putSequential(200, 20);
            Await.until(() -> Emitted.ENTRIES.size() >= 400, Duration.ofSeconds(60), "400 records");
            Set<String> expected = new TreeSet<>(children);
            expected.add(other);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!shardGauges(job).equals(expected) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(shardGauges(job))
                    .as("shards with a millisBehindLatest gauge after %s finished", parent)
                    .isEqualTo(expected);
            assertThat(Emitted.ENTRIES).hasSize(400);
        } finally {
            job.cancel().get();
        }
    }

    private static Set<String> shardGauges(JobClient job) {
        Set<String> shards = new TreeSet<>();
        for (String id : REPORTER.getMetricsByIdentifiers(job.getJobID()).keySet()) {
            Matcher m = SHARD_GAUGE.matcher(id);
            if (m.find()) {
                shards.add(m.group(1));
            }
        }
        return shards;
    }
}
