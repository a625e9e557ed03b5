package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.testing.Emulator;
import io.github.kinesisconsumer.testing.Fault;
import io.github.kinesisconsumer.testing.FaultProxy;
import io.github.kinesisconsumer.testing.FaultRule;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesaliteProcess;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A closed shard that the stream no longer has (gone past retention while the job was down) does
 * not fail the job forever: it counts as finished and its children are read. On kinesis-local after
 * a real split; the proxy answers every GetShardIterator of the closed parent the way Kinesis
 * answers for a shard past retention, since no emulator expires shards.
 */
class KinesisSourceRetentionTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkCluster.of(2, 1);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS_LOCAL = KinesisEmulatorExtension.kinesisLocal();

    @BeforeEach
    void reset() {
        KeyedCounts.reset();
    }

    @Test
    void aClosedParentGoneFromTheStreamCountsAsFinishedAndItsChildrenAreRead() throws Exception {
        TestStream stream = KINESIS_LOCAL.createStream(2);
        String parent = stream.shardIds().get(1);
        List<WrittenRecord> written = new ArrayList<>(stream.putSequential(200, 40));
        stream.split(parent);
        written.addAll(stream.put(300, i -> "pk-" + (i % 40), i -> "after-" + i));

        try (FaultProxy proxy = FaultProxy.start(Emulator.KINESIS_LOCAL.endpoint())) {
            FaultRule gone =
                    proxy.add(
                            FaultRule.on("GetShardIterator", Fault.RESOURCE_NOT_FOUND)
                                    .onShard(parent));
            Configuration conf = new Configuration();
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
            conf.set(
                    RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
                    Duration.ofMillis(200));
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setParallelism(2);
            env.enableCheckpointing(500);
            env.fromSource(
                            KinesisSource.<Tuple2<String, String>>builder()
                                    .streamName(stream.name())
                                    .appName("retention-test")
                                    .clientSettings(KinesaliteProcess.settingsFor(proxy.endpoint()))
                                    .startingPosition(StartingPosition.trimHorizon())
                                    .deserializer(new KeyAndPayload())
                                    .build(),
                            WatermarkStrategy.noWatermarks(),
                            "kinesis")
                    .keyBy(t -> t.f0)
                    .process(new KeyedCounts.Count())
                    .map(new KeyedCounts.LatestSink())
                    .sinkTo(new DiscardingSink<>());
            Map<String, Long> expected = new HashMap<>();
            for (WrittenRecord w : written) {
                if (!w.shardId.equals(parent)) {
                    expected.merge(w.partitionKey, 1L, Long::sum);
                }
            }
            long total = expected.values().stream().mapToLong(Long::longValue).sum();
            JobClient job = env.executeAsync("retention " + stream.name());
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (KeyedCounts.total() < total && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                Thread.sleep(1_000);
                assertThat(job.getJobStatus().get().isGloballyTerminalState())
                        .as("the job keeps running")
                        .isFalse();
            } finally {
                job.cancel().get();
            }
            assertThat(gone.hits()).as("the parent was asked for and reported gone").isPositive();
            assertThat(KeyedCounts.snapshot()).isEqualTo(expected);
        }
    }
}
