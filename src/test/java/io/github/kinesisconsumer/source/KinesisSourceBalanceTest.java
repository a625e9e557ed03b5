package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.KinesisRecord;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real job reads 16 shards at parallelism 4 while three of its four readers register 3 s after
 * the first (their deserializer takes that long to open), long after the first shard listing: every
 * reader still reads 4 ± 1 shards.
 */
class KinesisSourceBalanceTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkCluster.of(2, 2);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS_LOCAL = KinesisEmulatorExtension.kinesisLocal();

    /** shard id → subtasks that emitted its records. */
    static final Map<String, Set<Integer>> READERS_OF_SHARD = new ConcurrentHashMap<>();

    static final AtomicInteger OPENED = new AtomicInteger();

    @Test
    void sixteenShardsAtParallelismFourWithLateReadersGoFourEach() throws Exception {
        READERS_OF_SHARD.clear();
        OPENED.set(0);
        TestStream stream = KINESIS_LOCAL.createStream(16);
        stream.putSequential(800, 800);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(4);
        KinesisSource<String> source =
                KinesisSource.<String>builder()
                        .streamName(stream.name())
                        .appName("balance-test")
                        .clientSettings(KINESIS_LOCAL.clientSettings())
                        .startingPosition(StartingPosition.trimHorizon())
                        .deserializer(new ShardOfRecordAfterSlowOpen())
                        .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "kinesis")
                .map(new RecordReader())
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("balance " + stream.name());
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (READERS_OF_SHARD.size() < 16 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } finally {
            job.cancel().get();
        }
        Map<Integer, Integer> shardsPerReader = new TreeMap<>();
        Map<String, Set<Integer>> owners = new HashMap<>(READERS_OF_SHARD);
        owners.forEach(
                (shard, readers) -> {
                    assertThat(readers).as("readers of " + shard).hasSize(1);
                    shardsPerReader.merge(readers.iterator().next(), 1, Integer::sum);
                });
        System.out.println("shards per reader: " + shardsPerReader);
        assertThat(owners.keySet()).containsExactlyInAnyOrderElementsOf(stream.shardIds());
        assertThat(shardsPerReader.keySet()).containsExactly(0, 1, 2, 3);
        assertThat(shardsPerReader.values()).allSatisfy(n -> assertThat(n).isBetween(3, 5));
    }

    /** Emits each record's shard id; every reader but the first opens 3 s late. */
    static final class ShardOfRecordAfterSlowOpen implements KinesisDeserializationSchema<String> {
        @Override
        public void open(DeserializationSchema.InitializationContext context) throws Exception {
            if (OPENED.getAndIncrement() > 0) {
                Thread.sleep(3_000);
            }
        }

        @Override
        public void deserialize(KinesisRecord record, Collector<String> out) {
            out.collect(record.shardId());
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }

    /** Notes which subtask (chained to the reader of the same index) saw each shard. */
    static final class RecordReader extends RichMapFunction<String, String> {
        @Override
        public String map(String shardId) {
            int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
            READERS_OF_SHARD
                    .computeIfAbsent(shardId, k -> ConcurrentHashMap.newKeySet())
                    .add(subtask);
            return shardId;
        }
    }
}
