package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.discovery.StreamConsumerRegistrar;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.Restarts;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** A job with a keyed checkpointed count and one injected failure reads every record once. */
class KinesisSourceExactlyOnceTest {

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
    void kinesisLocal4Shards8000RecordsWithFailure() throws Exception {
        TestStream stream = KINESIS_LOCAL.createStream(4);
        runAndCheck(KINESIS_LOCAL, stream, 8_000, 400);
    }

    /**
     * The same job reading by enhanced fan-out (SubscribeToShard over h2c on kinesis-local): the
     * library registers the consumer at job start, it is ACTIVE while the job runs and gone after.
     */
    @Test
    void kinesisLocal4Shards8000RecordsWithFailureEnhancedFanOut() throws Exception {
        TestStream stream = KINESIS_LOCAL.createStream(4);
        StreamConsumerRegistrar registrar =
                new StreamConsumerRegistrar(KINESIS_LOCAL.client(), stream.ref());
        runAndCheck(
                KINESIS_LOCAL,
                stream,
                8_000,
                400,
                b -> b.enhancedFanOut("exactly-once-efo"),
                () ->
                        assertThat(registrar.describe("exactly-once-efo").consumerStatus())
                                .isEqualTo(ConsumerStatus.ACTIVE));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (registrar.describe("exactly-once-efo") != null && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(registrar.describe("exactly-once-efo"))
                .as("the consumer the job registered is deregistered when it ends")
                .isNull();
    }

    @Test
    void kinesalite8Shards200kRecordsWithFailure() throws Exception {
        TestStream stream = KINESALITE.createStream(8);
        runAndCheck(KINESALITE, stream, 200_000, 1_000);
    }

    private void runAndCheck(
            KinesisEmulatorExtension kinesis, TestStream stream, int records, int keys)
            throws Exception {
        runAndCheck(kinesis, stream, records, keys, b -> b, () -> {});
    }

    private void runAndCheck(
            KinesisEmulatorExtension kinesis,
            TestStream stream,
            int records,
            int keys,
            UnaryOperator<KinesisSourceBuilder<Tuple2<String, String>>> mode,
            Runnable whileRunning)
            throws Exception {
        // half the records before the job starts; the other half once a checkpoint completed and
        // the first half is counted, so the failure always hits mid-stream after a checkpoint
        int half = records / 2;
        List<WrittenRecord> written = new ArrayList<>(stream.putSequential(half, keys));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        Restarts.fixedDelay(env, 3, 500);
        KinesisSource<Tuple2<String, String>> source =
                mode.apply(
                                KinesisSource.<Tuple2<String, String>>builder()
                                        .streamName(stream.name())
                                        .appName("exactly-once-test")
                                        .clientSettings(kinesis.clientSettings())
                                        .startingPosition(StartingPosition.trimHorizon())
                                        .deserializer(new KeyAndPayload()))
                        .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "kinesis")
                .map(new FailOnce(half))
                .keyBy(t -> t.f0)
                .process(new KeyedCounts.Count())
                .map(new KeyedCounts.LatestSink())
                .sinkTo(new DiscardingSink<>());

        JobClient job = env.executeAsync("exactly-once " + stream.name());
        long start = System.nanoTime();
        try {
            waitForTotal(half, Duration.ofSeconds(180));
            whileRunning.run();
            while (!FailOnce.CHECKPOINTED.get()) {
                Thread.sleep(50);
            }
            written.addAll(
                    stream.put(
                            records - half,
                            i -> "pk-" + ((half + i) % keys),
                            i -> Integer.toString(half + i)));
            waitForTotal(records, Duration.ofSeconds(180));
            Thread.sleep(1_500);
        } finally {
            job.cancel().get();
        }
        Map<String, Long> expected = new HashMap<>();
        for (WrittenRecord w : written) {
            expected.merge(w.partitionKey, 1L, Long::sum);
        }
        System.out.printf(
                "%s: %d records, %d keys, failure injected=%s, counted total %d in %d ms%n",
                stream.name(),
                written.size(),
                expected.size(),
                FailOnce.FAILED.get(),
                KeyedCounts.total(),
                (System.nanoTime() - start) / 1_000_000);
        assertThat(FailOnce.FAILED).as("the failure was injected").isTrue();
        assertThat(KeyedCounts.snapshot()).isEqualTo(expected);
    }

    private static void waitForTotal(long expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (KeyedCounts.total() < expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    @SuppressWarnings("unused")
    private static JobID unused;
}
