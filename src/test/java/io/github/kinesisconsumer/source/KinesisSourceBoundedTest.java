package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Bounded mode reads the records present at job start and finishes. */
class KinesisSourceBoundedTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkCluster.of(1, 2);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    @BeforeEach
    void reset() {
        Emitted.reset();
    }

    @Test
    void readsExactlyTheRecordsPresentAtJobStartAndFinishes() throws Exception {
        TestStream stream = KINESIS.createStream(3);
        stream.split("shardId-000000000001");
        List<WrittenRecord> before = stream.putSequential(1_500, 50);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        env.fromSource(
                        KinesisSource.<Tuple3<String, String, String>>builder()
                                .streamName(stream.name())
                                .appName("bounded-test")
                                .clientSettings(KINESIS.clientSettings())
                                .startingPosition(StartingPosition.trimHorizon())
                                .deserializer(new Emitted.Schema())
                                .boundedAtJobStart()
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "kinesis")
                .map(new Emitted.Sink())
                .sinkTo(new DiscardingSink<>());
        long start = System.nanoTime();
        JobClient job = env.executeAsync("bounded " + stream.name());
        while (Emitted.ENTRIES.isEmpty()) {
            Thread.sleep(20);
        }
        List<WrittenRecord> after = stream.put(300, i -> "late-" + (i % 7), i -> "late-" + i);
        job.getJobExecutionResult().get(120, TimeUnit.SECONDS);
        System.out.printf(
                "bounded: job finished after %d ms with %d records (%d written before start, %d"
                        + " after)%n",
                (System.nanoTime() - start) / 1_000_000,
                Emitted.ENTRIES.size(),
                before.size(),
                after.size());

        List<String> read = new ArrayList<>();
        Emitted.all().forEach(e -> read.add(e.payload));
        List<String> expected = new ArrayList<>();
        before.forEach(w -> expected.add(w.text()));
        assertThat(read).containsExactlyInAnyOrderElementsOf(expected);
    }
}
