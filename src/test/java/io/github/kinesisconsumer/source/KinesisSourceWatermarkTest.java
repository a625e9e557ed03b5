package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.functions.windowing.ProcessAllWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-shard watermarks with an idle shard, and the millisBehindLatest metric. */
class KinesisSourceWatermarkTest {

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.reportingTo(REPORTER, 1, 2);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    static final ConcurrentLinkedQueue<Long> WINDOWS = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void reset() {
        WINDOWS.clear();
    }

    @Test
    void windowsFireWithAnIdleShardWhenIdlenessIsSet() throws Exception {
        int fired = runWindowJob(true);
        assertThat(fired).as("windows fired with withIdleness").isGreaterThanOrEqualTo(2);
    }

    @Test
    void anIdleShardHoldsWindowsBackWithoutIdleness() throws Exception {
        int fired = runWindowJob(false);
        assertThat(fired).as("windows fired without withIdleness").isZero();
    }

    private int runWindowJob(boolean idleness) throws Exception {
        TestStream stream = KINESIS.createStream(2);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        WatermarkStrategy<Tuple3<String, String, String>> strategy =
                WatermarkStrategy.forBoundedOutOfOrderness(Duration.ofMillis(100));
        if (idleness) {
            strategy = strategy.withIdleness(Duration.ofSeconds(1));
        }
        env.fromSource(
                        KinesisSource.<Tuple3<String, String, String>>builder()
                                .streamName(stream.name())
                                .appName("watermark-test")
                                .clientSettings(KINESIS.clientSettings())
                                .startingPosition(StartingPosition.trimHorizon())
                                .deserializer(new Emitted.Schema())
                                .build(),
                        strategy,
                        "kinesis")
                .windowAll(TumblingEventTimeWindows.of(Duration.ofSeconds(1)))
                .process(new CountWindow())
                .map(new WindowSink())
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("watermarks " + stream.name());
        try {
            long end = System.currentTimeMillis() + 4_000;
            int i = 0;
            while (System.currentTimeMillis() < end) {
                final int n = i++;
                // hash key 0 always lands in the first shard; the second stays idle
                stream.client()
                        .putRecord(
                                r ->
                                        r.streamName(stream.name())
                                                .partitionKey("k")
                                                .explicitHashKey("0")
                                                .data(SdkBytes.fromUtf8String("v" + n)))
                        .join();
                Thread.sleep(50);
            }
            Thread.sleep(2_500);
            if (idleness) {
                assertMillisBehindLatestNearZero(job);
            }
        } finally {
            job.cancel().get();
        }
        System.out.printf("idleness=%s: %d windows fired: %s%n", idleness, WINDOWS.size(), WINDOWS);
        return WINDOWS.size();
    }

    private static void assertMillisBehindLatestNearZero(JobClient job) {
        Map<String, Metric> metrics = REPORTER.findMetrics(job.getJobID(), "millisBehindLatest");
        assertThat(metrics).as("millisBehindLatest gauges").hasSize(2);
        for (Map.Entry<String, Metric> m : metrics.entrySet()) {
            long value = (Long) ((Gauge<?>) m.getValue()).getValue();
            System.out.printf("%s = %d%n", m.getKey(), value);
            assertThat(value).as(m.getKey()).isBetween(0L, 1_000L);
        }
        assertThat(REPORTER.findMetrics(job.getJobID(), "getRecordsCalls")).isNotEmpty();
        assertThat(REPORTER.findMetrics(job.getJobID(), "getRecordsCallsPerSecond")).isNotEmpty();
        assertThat(REPORTER.findMetrics(job.getJobID(), "throttledCalls")).isNotEmpty();
        assertThat(REPORTER.findMetrics(job.getJobID(), "iteratorRefreshes")).isNotEmpty();
        assertThat(REPORTER.findMetrics(job.getJobID(), "fetchLatencyMs")).isNotEmpty();
    }

    static final class CountWindow
            extends ProcessAllWindowFunction<Tuple3<String, String, String>, Long, TimeWindow> {
        @Override
        public void process(
                Context context,
                Iterable<Tuple3<String, String, String>> elements,
                Collector<Long> out) {
            long n = 0;
            for (Tuple3<String, String, String> ignored : elements) {
                n++;
            }
            out.collect(n);
        }
    }

    static final class WindowSink implements MapFunction<Long, Long> {
        @Override
        public Long map(Long value) {
            WINDOWS.add(value);
            return value;
        }
    }
}
