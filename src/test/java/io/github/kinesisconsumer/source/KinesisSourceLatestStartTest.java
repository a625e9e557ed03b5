package io.github.kinesisconsumer.source;

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
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default starting position (LATEST, no store) is a moment, not a moving target: records that
 * arrive on a shard that was quiet at the last checkpoint are read after a failover, and after the
 * iterator of a never-read shard expires. Both run on kinesis-local behind a fault proxy (CBOR off,
 * so the proxy can read the calls), at the default parallelism of 2 readers.
 */
class KinesisSourceLatestStartTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkCluster.of(2, 1);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS_LOCAL = KinesisEmulatorExtension.kinesisLocal();

    @BeforeEach
    void reset() {
        KeyedCounts.reset();
        FailOnFirstRecord.reset();
    }

    /**
     * The shards are quiet when a checkpoint completes; then records arrive and the job fails on
     * the first of them, before the next checkpoint. The restored readers must read every record
     * once.
     */
    @Test
    void recordsOnAQuietShardSurviveAFailoverBeforeTheNextCheckpoint() throws Exception {
        TestStream stream = KINESIS_LOCAL.createStream(4);
        try (FaultProxy proxy = FaultProxy.start(Emulator.KINESIS_LOCAL.endpoint())) {
            JobClient job = startJob(stream, proxy, true);
            try {
                awaitIteratorsOnEveryShard(proxy, stream);
                long completed = FailOnFirstRecord.COMPLETED_CHECKPOINTS.get();
                await(
                        () -> FailOnFirstRecord.COMPLETED_CHECKPOINTS.get() > completed,
                        "a checkpoint of the quiet shards");
                FailOnFirstRecord.ARMED.set(true);
                List<WrittenRecord> written = stream.putSequential(400, 40);
                await(() -> FailOnFirstRecord.FAILED.get(), "the injected failure");
                awaitTotal(written.size(), Duration.ofSeconds(60));
                Thread.sleep(1_500);
                assertThat(KeyedCounts.snapshot()).isEqualTo(expected(written));
            } finally {
                job.cancel().get();
            }
        }
    }

    /**
     * Every shard holds its first iterator; records arrive while the next GetRecords of each shard
     * is held by the proxy, which then answers it with ExpiredIteratorException. The new iterator
     * must start where the first did, not at the tip of the shard.
     */
    @Test
    void anExpiredIteratorOfANeverReadShardSkipsNothing() throws Exception {
        TestStream stream = KINESIS_LOCAL.createStream(4);
        try (FaultProxy proxy = FaultProxy.start(Emulator.KINESIS_LOCAL.endpoint())) {
            JobClient job = startJob(stream, proxy, false);
            try {
                awaitIteratorsOnEveryShard(proxy, stream);
                FaultRule hold =
                        proxy.add(
                                FaultRule.latency("GetRecords", Duration.ofSeconds(4))
                                        .oncePerShard());
                FaultRule expire =
                        proxy.add(
                                FaultRule.on("GetRecords", Fault.EXPIRED_ITERATOR).oncePerShard());
                await(() -> hold.shardsHit().size() == 4, "a held GetRecords on every shard");
                List<WrittenRecord> written = stream.putSequential(400, 40);
                awaitTotal(written.size(), Duration.ofSeconds(60));
                Thread.sleep(1_500);
                assertThat(expire.shardsHit())
                        .containsExactlyInAnyOrderElementsOf(stream.shardIds());
                assertThat(KeyedCounts.snapshot()).isEqualTo(expected(written));
            } finally {
                job.cancel().get();
            }
        }
    }

    private static JobClient startJob(TestStream stream, FaultProxy proxy, boolean failOnce)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(2_000);
        KinesisSource<Tuple2<String, String>> source =
                KinesisSource.<Tuple2<String, String>>builder()
                        .streamName(stream.name())
                        .appName("latest-start")
                        .clientSettings(KinesaliteProcess.settingsFor(proxy.endpoint()))
                        .deserializer(new KeyAndPayload())
                        .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "kinesis")
                .map(new FailOnFirstRecord(failOnce))
                .keyBy(t -> t.f0)
                .process(new KeyedCounts.Count())
                .map(new KeyedCounts.LatestSink())
                .sinkTo(new DiscardingSink<>());
        return env.executeAsync("latest-start " + stream.name());
    }

    /** Two GetRecords per shard have passed: each shard's first iterator is in use. */
    private static void awaitIteratorsOnEveryShard(FaultProxy proxy, TestStream stream)
            throws InterruptedException {
        int shards = stream.shardIds().size();
        await(() -> proxy.forwarded("GetRecords") >= 2L * shards, "GetRecords on every shard");
    }

    private static Map<String, Long> expected(List<WrittenRecord> written) {
        Map<String, Long> expected = new HashMap<>();
        for (WrittenRecord w : written) {
            expected.merge(w.partitionKey, 1L, Long::sum);
        }
        return expected;
    }

    private static void awaitTotal(long total, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (KeyedCounts.total() < total && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Counts completed checkpoints; once armed, throws on the first record it sees. */
    static final class FailOnFirstRecord
            implements MapFunction<Tuple2<String, String>, Tuple2<String, String>>,
                    CheckpointListener {

        static final AtomicBoolean ARMED = new AtomicBoolean();
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicLong COMPLETED_CHECKPOINTS = new AtomicLong();

        private final boolean enabled;

        FailOnFirstRecord(boolean enabled) {
            this.enabled = enabled;
        }

        static void reset() {
            ARMED.set(false);
            FAILED.set(false);
            COMPLETED_CHECKPOINTS.set(0);
        }

        @Override
        public Tuple2<String, String> map(Tuple2<String, String> value) {
            if (enabled && ARMED.get() && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure at the first record " + value);
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            COMPLETED_CHECKPOINTS.incrementAndGet();
        }
    }
}
