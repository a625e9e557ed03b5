package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.discovery.StreamConsumerRegistrar;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisLocalProcess;
import io.github.kinesisconsumer.testing.Restarts;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job reading by enhanced fan-out goes through a global failover (Flink closes the enumerator,
 * which deregisters the consumer it registered, and creates a new one) on a kinesis-local of its
 * own whose deregistration takes 3 s, as on real Kinesis: the new enumerator waits out the DELETING
 * consumer instead of failing, so one failover suffices; every record is counted once, and the
 * consumer is gone after the job.
 */
class KinesisSourceEfoFailoverTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkCluster.of(1, 2);

    private static KinesisLocalProcess kinesis;

    @BeforeAll
    static void startKinesis() throws Exception {
        kinesis = KinesisLocalProcess.start(Duration.ofMillis(300), Duration.ofSeconds(3));
    }

    @AfterAll
    static void stopKinesis() throws Exception {
        if (kinesis != null) {
            kinesis.close();
        }
    }

    @BeforeEach
    void reset() {
        KeyedCounts.reset();
        GlobalFailoverSource.reset();
    }

    @Test
    void globalFailoverWithEnhancedFanOutKeepsReadingAndEndsDeregistered() throws Exception {
        TestStream stream = kinesis.createStream("efo-failover", 2);
        StreamConsumerRegistrar registrar =
                new StreamConsumerRegistrar(kinesis.client(), stream.ref());
        int half = 1_000;
        int keys = 50;
        List<WrittenRecord> written = new ArrayList<>(stream.putSequential(half, keys));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(300);
        Restarts.fixedDelay(env, 5, 500);
        KinesisSource<Tuple2<String, String>> kinesisSource =
                KinesisSource.<Tuple2<String, String>>builder()
                        .streamName(stream.name())
                        .appName("efo-failover")
                        .clientSettings(kinesis.clientSettings())
                        .startingPosition(StartingPosition.trimHorizon())
                        .deserializer(new KeyAndPayload())
                        .enhancedFanOut("failover-efo")
                        .build();
        env.fromSource(
                        new GlobalFailoverSource<>(kinesisSource),
                        WatermarkStrategy.noWatermarks(),
                        "kinesis",
                        Types.TUPLE(Types.STRING, Types.STRING))
                .keyBy(t -> t.f0)
                .process(new KeyedCounts.Count())
                .map(new KeyedCounts.LatestSink())
                .sinkTo(new DiscardingSink<>());

        JobClient job = env.executeAsync("efo failover " + stream.name());
        String firstArn;
        try {
            await(() -> KeyedCounts.total() >= half, Duration.ofSeconds(120), "the first half");
            firstArn = registrar.describe("failover-efo").consumerARN();
            Thread.sleep(1_000);
            GlobalFailoverSource.TRIGGER.set(true);
            await(
                    () -> GlobalFailoverSource.ENUMERATORS.get() >= 2,
                    Duration.ofSeconds(60),
                    "the enumerator to be created again");
            written.addAll(stream.put(half, i -> "pk-" + ((half + i) % keys), i -> "b" + i));
            await(
                    () -> KeyedCounts.total() >= 2L * half,
                    Duration.ofSeconds(120),
                    "all records after the failover");
            assertThat(registrar.describe("failover-efo").consumerStatus())
                    .isEqualTo(ConsumerStatus.ACTIVE);
            assertThat(registrar.describe("failover-efo").consumerARN())
                    .as("the failover deregistered the consumer; the new enumerator registered it")
                    .isNotEqualTo(firstArn);
            Thread.sleep(1_000);
        } finally {
            job.cancel().get();
        }
        Map<String, Long> expected = new HashMap<>();
        for (WrittenRecord w : written) {
            expected.merge(w.partitionKey, 1L, Long::sum);
        }
        assertThat(KeyedCounts.snapshot()).isEqualTo(expected);
        assertThat(GlobalFailoverSource.ENUMERATORS)
                .as("one failover, not a loop of them while the consumer was DELETING")
                .hasValue(2);
        assertThat(GlobalFailoverSource.READERS)
                .as("2 readers, 2 more after the failover, none failing on the DELETING consumer")
                .hasValue(4);
        await(
                () -> registrar.describe("failover-efo") == null,
                Duration.ofSeconds(20),
                "the consumer to be deleted after the job");
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "timed out waiting for "
                                + what
                                + " (counted "
                                + KeyedCounts.total()
                                + ", enumerators "
                                + GlobalFailoverSource.ENUMERATORS.get()
                                + ")");
            }
            Thread.sleep(100);
        }
    }
}
