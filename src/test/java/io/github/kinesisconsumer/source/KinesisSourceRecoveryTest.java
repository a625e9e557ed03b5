package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.Restarts;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Savepoint with a parallelism change, and a TaskManager lost mid-run. */
class KinesisSourceRecoveryTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkCluster.of(2, 2);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS_LOCAL = KinesisEmulatorExtension.kinesisLocal();

    @RegisterExtension
    static final KinesisEmulatorExtension KINESALITE = KinesisEmulatorExtension.kinesalite();

    @BeforeEach
    void reset() {
        KeyedCounts.reset();
        FailOnce.reset();
    }

    @Test
    void stopWithSavepointAndRestoreWithOtherParallelism(
            @InjectClusterClient ClusterClient<?> client, @TempDir Path savepoints)
            throws Exception {
        TestStream stream = KINESIS_LOCAL.createStream(4);
        List<WrittenRecord> written = new ArrayList<>(stream.putSequential(3_000, 300));

        JobID first = client.submitJob(jobGraph(stream, 2, null)).get();
        waitForTotal(3_000, Duration.ofSeconds(60));
        String savepoint =
                client.stopWithSavepoint(
                                first, false, savepoints.toString(), SavepointFormatType.CANONICAL)
                        .get(60, TimeUnit.SECONDS);
        long countedAtSavepoint = KeyedCounts.total();

        written.addAll(stream.put(3_000, i -> "pk-" + (i % 300), i -> "second-" + i));
        JobID second = client.submitJob(jobGraph(stream, 3, savepoint)).get();
        try {
            waitForTotal(6_000, Duration.ofSeconds(60));
            Thread.sleep(1_500);
        } finally {
            client.cancel(second).get();
        }
        System.out.printf(
                "savepoint %s after %d records; restored with parallelism 3, total %d%n",
                savepoint, countedAtSavepoint, KeyedCounts.total());
        assertThat(KeyedCounts.snapshot()).isEqualTo(expectedCounts(written));
    }

    @Test
    void taskManagerKilledMidRun(@InjectMiniCluster MiniCluster miniCluster) throws Exception {
        TestStream stream = KINESALITE.createStream(8);
        List<WrittenRecord> written = stream.putSequential(200_000, 1_000);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        Restarts.fixedDelay(env, 5, 500);
        pipeline(env, stream, KINESALITE);
        org.apache.flink.core.execution.JobClient job = env.executeAsync("tm-kill");
        try {
            waitForTotal(60_000, Duration.ofSeconds(60));
            miniCluster.terminateTaskManager(0).get(30, TimeUnit.SECONDS);
            long atKill = KeyedCounts.total();
            miniCluster.startTaskManager();
            waitForTotal(200_000, Duration.ofSeconds(180));
            Thread.sleep(1_500);
            System.out.printf(
                    "TaskManager 0 killed at %d counted records; final total %d%n",
                    atKill, KeyedCounts.total());
        } finally {
            job.cancel().get();
        }
        assertThat(KeyedCounts.snapshot()).isEqualTo(expectedCounts(written));
    }

    private static JobGraph jobGraph(TestStream stream, int parallelism, String savepoint) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.enableCheckpointing(500);
        pipeline(env, stream, KINESIS_LOCAL);
        JobGraph graph = env.getStreamGraph().getJobGraph();
        if (savepoint != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint));
        }
        return graph;
    }

    private static void pipeline(
            StreamExecutionEnvironment env, TestStream stream, KinesisEmulatorExtension kinesis) {
        env.fromSource(
                        KinesisSource.<Tuple2<String, String>>builder()
                                .streamName(stream.name())
                                .appName("recovery-test")
                                .clientSettings(kinesis.clientSettings())
                                .startingPosition(StartingPosition.trimHorizon())
                                .deserializer(new KeyAndPayload())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "kinesis")
                .uid("kinesis-source")
                .keyBy(t -> t.f0)
                .process(new KeyedCounts.Count())
                .uid("count")
                .map(new KeyedCounts.LatestSink())
                .sinkTo(new DiscardingSink<>())
                .uid("sink");
    }

    private static Map<String, Long> expectedCounts(List<WrittenRecord> written) {
        Map<String, Long> expected = new HashMap<>();
        for (WrittenRecord w : written) {
            expected.merge(w.partitionKey, 1L, Long::sum);
        }
        return expected;
    }

    private static void waitForTotal(long expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (KeyedCounts.total() < expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}
