package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What docs/flink-source.md states about per-key order when a reader fails right after a reshard,
 * on kinesis-local: one shard is split while the job reads it, and the job fails at the first
 * record of a child shard, read by the reader that read the parent.
 *
 * <ul>
 *   <li>A job with an exchange after the source (keyBy) restarts as a whole: the parent's tail is
 *       read again before any child, so per-key order holds in checkpointed state, exactly once.
 *   <li>A job without an exchange restarts only the failed reader's pipeline (region failover): the
 *       child already read by the other reader goes on meanwhile, while the failed reader reads the
 *       parent's tail again. Nothing is lost; order across the reshard is not kept between the two
 *       pipelines.
 * </ul>
 */
class KinesisSourceReshardFailoverTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkCluster.of(2, 1);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    private static final int KEYS = 20;
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
    static final AtomicLong COMPLETED_CHECKPOINTS = new AtomicLong();
    static final AtomicInteger PARENT_READER = new AtomicInteger(-1);
    static final AtomicLong ORDER_VIOLATIONS = new AtomicLong();
    static final ConcurrentLinkedQueue<Out> OUT = new ConcurrentLinkedQueue<>();
    static final AtomicLong SEQ = new AtomicLong();
    static volatile String parentShard;

    @BeforeEach
    void reset() {
        KeyedCounts.reset();
        FAILED.set(false);
        CHECKPOINTED.set(false);
        COMPLETED_CHECKPOINTS.set(0);
        PARENT_READER.set(-1);
        ORDER_VIOLATIONS.set(0);
        OUT.clear();
    }

    @Test
    void aWholeJobFailoverKeepsPerKeyOrderAcrossASplit() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        parentShard = stream.shardIds().get(0);
        StreamExecutionEnvironment env = environment(false);
        env.fromSource(source(stream), WatermarkStrategy.noWatermarks(), "kinesis")
                .map(new FailAtFirstChildRecord())
                .keyBy(t -> t.f0)
                .process(new OrderedCount())
                .map(new KeyedCounts.LatestSink())
                .sinkTo(new DiscardingSink<>());
        List<WrittenRecord> written = runWithSplit(env, stream, () -> KeyedCounts.total());
        assertThat(FAILED).as("the failure was injected").isTrue();
        assertThat(ORDER_VIOLATIONS).as("records of a key out of order in state").hasValue(0);
        Map<String, Long> expected = new HashMap<>();
        for (WrittenRecord w : written) {
            expected.merge(w.partitionKey, 1L, Long::sum);
        }
        assertThat(KeyedCounts.snapshot()).isEqualTo(expected);
    }

    @Test
    void aRegionFailoverReadsTheParentsTailAgainBeforeAnyChild() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        parentShard = stream.shardIds().get(0);
        StreamExecutionEnvironment env = environment(true);
        env.fromSource(source(stream), WatermarkStrategy.noWatermarks(), "kinesis")
                .map(new FailAtFirstChildRecord())
                .map(new Collect())
                .sinkTo(new DiscardingSink<>());
        List<WrittenRecord> written = runWithSplit(env, stream, () -> distinctOut());
        assertThat(FAILED).as("the failure was injected").isTrue();
        int failed = PARENT_READER.get();
        Set<String> seen = new HashSet<>();
        for (Out o : OUT) {
            seen.add(o.payload);
            if (o.subtask != failed) {
                assertThat(o.attempt).as("the other reader's pipeline never restarted").isZero();
            }
        }
        for (WrittenRecord w : written) {
            assertThat(seen).as("nothing is lost").contains(w.text());
        }
        assertThat(OUT)
                .as("the failed reader read parent records again after its restart")
                .anyMatch(o -> o.subtask == failed && o.attempt > 0 && o.shard.equals(parentShard));
        long lastParentRecord =
                OUT.stream()
                        .filter(o -> o.subtask == failed && o.shard.equals(parentShard))
                        .mapToLong(o -> o.seq)
                        .max()
                        .orElseThrow();
        assertThat(OUT).as("children were read").anyMatch(o -> !o.shard.equals(parentShard));
        assertThat(OUT)
                .as("no child record is read before the parent's tail was read again")
                .filteredOn(o -> !o.shard.equals(parentShard))
                .allMatch(o -> o.seq > lastParentRecord);
    }

    private static long distinctOut() {
        Set<String> payloads = new HashSet<>();
        for (Out o : OUT) {
            payloads.add(o.payload);
        }
        return payloads.size();
    }

    private interface Total {
        long get();
    }

    private static List<WrittenRecord> runWithSplit(
            StreamExecutionEnvironment env, TestStream stream, Total total) throws Exception {
        List<WrittenRecord> written =
                new ArrayList<>(stream.put(600, i -> "k" + (i % KEYS), Integer::toString));
        JobClient job = env.executeAsync("reshard-failover " + stream.name());
        try {
            await(() -> total.get() >= 600 && CHECKPOINTED.get(), "the first records");
            // the parent's tail, the split and the children's records all come after the last
            // checkpoint before the failure, so a restore reads the tail again
            long checkpoints = COMPLETED_CHECKPOINTS.get();
            await(() -> COMPLETED_CHECKPOINTS.get() > checkpoints, "a fresh checkpoint");
            written.addAll(
                    stream.put(200, i -> "k" + ((600 + i) % KEYS), i -> Integer.toString(600 + i)));
            stream.split(parentShard);
            written.addAll(
                    stream.put(400, i -> "k" + ((800 + i) % KEYS), i -> Integer.toString(800 + i)));
            await(() -> total.get() >= written.size(), "every record");
            Thread.sleep(1_000);
        } finally {
            job.cancel().get();
        }
        return written;
    }

    private static StreamExecutionEnvironment environment(boolean regionOnly) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        conf.set(JobManagerOptions.EXECUTION_FAILOVER_STRATEGY, regionOnly ? "region" : "full");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(5_000);
        return env;
    }

    private static KinesisSource<Tuple3<String, String, String>> source(TestStream stream) {
        return KinesisSource.<Tuple3<String, String, String>>builder()
                .streamName(stream.name())
                .appName("reshard-failover")
                .clientSettings(KINESIS.clientSettings())
                .startingPosition(StartingPosition.trimHorizon())
                .deserializer(new Emitted.Schema())
                .build();
    }

    private static void await(java.util.function.BooleanSupplier done, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /**
     * Chained to the reader: notes which subtask reads the parent, and fails once there at the
     * first record of a child, after a checkpoint completed.
     */
    static final class FailAtFirstChildRecord
            extends RichMapFunction<Tuple3<String, String, String>, Tuple3<String, String, String>>
            implements CheckpointListener {
        @Override
        public Tuple3<String, String, String> map(Tuple3<String, String, String> value) {
            int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
            if (value.f2.equals(parentShard)) {
                PARENT_READER.compareAndSet(-1, subtask);
            } else if (subtask == PARENT_READER.get()
                    && CHECKPOINTED.get()
                    && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure at child record " + value);
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTED.set(true);
            COMPLETED_CHECKPOINTS.incrementAndGet();
        }
    }

    /** Counts per key in state, and counts a record whose number is not the key's next. */
    static final class OrderedCount
            extends KeyedProcessFunction<
                    String, Tuple3<String, String, String>, Tuple2<String, Long>> {
        private transient ValueState<Integer> last;
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext openContext) {
            last = getRuntimeContext().getState(new ValueStateDescriptor<>("last", Integer.class));
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Long.class));
        }

        @Override
        public void processElement(
                Tuple3<String, String, String> value,
                Context ctx,
                Collector<Tuple2<String, Long>> out)
                throws Exception {
            int n = Integer.parseInt(value.f1);
            Integer previous = last.value();
            int expectedNext = previous == null ? n % KEYS : previous + KEYS;
            if (n != expectedNext) {
                ORDER_VIOLATIONS.incrementAndGet();
            }
            last.update(n);
            Long c = count.value();
            long next = c == null ? 1 : c + 1;
            count.update(next);
            out.collect(Tuple2.of(value.f0, next));
        }
    }

    /** One record as the sink saw it: subtask, attempt, shard, payload. */
    static final class Out {
        final int subtask;
        final int attempt;
        final String shard;
        final String payload;
        final long seq = SEQ.incrementAndGet();

        Out(int subtask, int attempt, String shard, String payload) {
            this.subtask = subtask;
            this.attempt = attempt;
            this.shard = shard;
            this.payload = payload;
        }
    }

    /** Chained to the reader: notes each record with its subtask and attempt. */
    static final class Collect
            extends org.apache.flink.api.common.functions.RichMapFunction<
                    Tuple3<String, String, String>, Tuple3<String, String, String>> {
        @Override
        public Tuple3<String, String, String> map(Tuple3<String, String, String> value) {
            OUT.add(
                    new Out(
                            getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                            getRuntimeContext().getTaskInfo().getAttemptNumber(),
                            value.f2,
                            value.f1));
            return value;
        }
    }
}
