package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.kinesis.PollerOptions;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.store.memory.InMemoryCheckpointStore;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import javax.management.ObjectName;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.github.kinesisconsumer.consumer.ConsumerHarness.await;
import static io.github.kinesisconsumer.consumer.ConsumerHarness.consumer;
import static io.github.kinesisconsumer.consumer.ConsumerHarness.scanCounting;
import static io.github.kinesisconsumer.consumer.ConsumerHarness.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The options a team moving from harlow/kinesis-consumer looks for: a client of its own ({@code
 * WithClient}), a counter ({@code WithCounter}) and a shard-closed handler that can fail the scan
 * ({@code WithShardClosedHandler}), on kinesalite.
 */
class KinesisConsumerGoOptionsTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesalite();

    @Test
    void aClientOfYourOwnIsReadThroughAndLeftOpen() throws Exception {
        TestStream stream = KINESIS.createStream(2);
        List<WrittenRecord> written = stream.putSequential(60, 6);
        try (KinesisAsyncClient own = KINESIS.clientSettings().createAsyncClient()) {
            KinesisConsumer c =
                    KinesisConsumer.builder()
                            .streamName(stream.name())
                            .appName("own-client")
                            .client(own)
                            .startingPosition(StartingPosition.trimHorizon())
                            .pollerOptions(
                                    PollerOptions.builder()
                                            .idlePollInterval(Duration.ofMillis(50))
                                            .build())
                            .build();
            AtomicInteger seen = new AtomicInteger();
            CompletableFuture<Void> scan = scanCounting(c, seen, ScanResult.CONTINUE);
            waitFor(() -> seen.get() >= 60, Duration.ofSeconds(30), "60 records");
            c.close();
            await(scan);

            assertThat(seen.get()).isEqualTo(written.size());
            assertThat(own.listShards(r -> r.streamName(stream.name())).get(10, TimeUnit.SECONDS))
                    .as("the consumer must not close a client it was given")
                    .satisfies(r -> assertThat(r.shards()).hasSize(2));
        }
    }

    @Test
    void clientAndClientSettingsTogetherAreRefused() {
        try (KinesisAsyncClient own = KINESIS.clientSettings().createAsyncClient()) {
            assertThatThrownBy(
                            () ->
                                    KinesisConsumer.builder()
                                            .streamName("s")
                                            .appName("a")
                                            .client(own)
                                            .clientSettings(KINESIS.clientSettings())
                                            .build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("clientSettings or client, not both");
        }
    }

    @Test
    void theCounterCountsEveryRecordAndOnlyCheckpointsWritten() throws Exception {
        TestStream stream = KINESIS.createStream(2);
        List<WrittenRecord> written = stream.putSequential(120, 12);
        Map<String, Long> perShard =
                written.stream()
                        .collect(Collectors.groupingBy(w -> w.shardId, Collectors.counting()));

        Counted counted = scanAll(stream, "counted", ScanResult.CONTINUE, 120);
        assertThat(counted.records).isEqualTo(perShard);
        assertThat(counted.checkpoints.keySet()).isEqualTo(perShard.keySet());
        assertThat(counted.overJmx).as("the consumer's own counts over JMX").isEqualTo(120L);
        assertThat(counted.metrics.getRecordsDeliveredPerShard()).isEqualTo(perShard);
        assertThat(counted.metrics.getCheckpointsWrittenPerShard())
                .isEqualTo(new TreeMap<>(counted.checkpoints));
        assertThat(counted.metrics.getCheckpointsWritten())
                .isEqualTo(counted.checkpoints.values().stream().mapToLong(n -> n).sum());
        assertThat(counted.registeredAfterClose).as("unregistered on close").isFalse();

        Counted skipped = scanAll(stream, "skipped", ScanResult.SKIP_CHECKPOINT, 120);
        assertThat(skipped.records).isEqualTo(perShard);
        assertThat(skipped.checkpoints).as("nothing was checkpointed").isEmpty();
        assertThat(skipped.metrics.getRecordsDelivered()).isEqualTo(120L);
        assertThat(skipped.metrics.getCheckpointsWritten()).isZero();
    }

    @Test
    void aShardClosedHandlerIsGivenTheStreamAndCanFailTheScan() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        String parent = stream.shardIds().get(0);
        stream.putSequential(10, 2);
        stream.split(parent);
        List<String> told = new CopyOnWriteArrayList<>();
        AtomicInteger seen = new AtomicInteger();
        KinesisConsumer c =
                consumer(
                                KINESIS.clientSettings(),
                                stream.name(),
                                "closed",
                                new InMemoryCheckpointStore())
                        .shardClosedHandler(
                                (streamName, shardId) -> {
                                    told.add(streamName + "/" + shardId);
                                    throw new Exception("stop after " + shardId);
                                })
                        .build();
        CompletableFuture<Void> scan = scanCounting(c, seen, ScanResult.CONTINUE);
        Throwable failure = catchThrowable(() -> scan.get(30, TimeUnit.SECONDS));
        c.close();

        assertThat(failure).isInstanceOf(ExecutionException.class);
        assertThat(failure.getCause())
                .isInstanceOf(ScanFailedException.class)
                .hasRootCauseMessage("stop after " + parent);
        assertThat(told).containsExactly(stream.name() + "/" + parent);
        assertThat(seen.get()).isEqualTo(10);
    }

    /** Like Go's ScanBatch without options: batches of at most 100, the rest after 1 s. */
    @Test
    void scanBatchWithoutOptionsUsesGosDefaults() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        stream.putSequential(250, 5);
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        List<Long> delivered = new CopyOnWriteArrayList<>();
        KinesisConsumer c =
                consumer(
                                KINESIS.clientSettings(),
                                stream.name(),
                                "batch",
                                new InMemoryCheckpointStore())
                        .build();
        long start = System.nanoTime();
        CompletableFuture<Void> scan =
                ConsumerHarness.inBackground(
                        () ->
                                c.scanBatch(
                                        batch -> {
                                            sizes.add(batch.size());
                                            delivered.add(System.nanoTime() - start);
                                        }));
        waitFor(
                () -> sizes.stream().mapToInt(Integer::intValue).sum() >= 250,
                Duration.ofSeconds(30),
                "250 records in batches");
        c.close();
        await(scan);

        assertThat(BatchOptions.defaults().maxSize()).isEqualTo(100);
        assertThat(BatchOptions.defaults().flushInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(sizes).containsExactly(100, 100, 50);
        assertThat(delivered.get(2) - delivered.get(1))
                .as("the 50 left wait for the 1 s flush")
                .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(800));
    }

    private static final class Counted {
        final Map<String, Long> records = new ConcurrentHashMap<>();
        final Map<String, Long> checkpoints = new ConcurrentHashMap<>();
        ScanMetricsMXBean metrics;
        long overJmx;
        boolean registeredAfterClose;
    }

    private static Set<ObjectName> jmxNames(String app) throws Exception {
        return ManagementFactory.getPlatformMBeanServer()
                .queryNames(
                        new ObjectName(
                                "io.github.kinesisconsumer:type=KinesisConsumer,app="
                                        + ObjectName.quote(app)
                                        + ",*"),
                        null);
    }

    private static Counted scanAll(TestStream stream, String app, ScanResult result, int total)
            throws Exception {
        Counted counted = new Counted();
        AtomicInteger seen = new AtomicInteger();
        KinesisConsumer c =
                consumer(
                                KINESIS.clientSettings(),
                                stream.name(),
                                app,
                                new InMemoryCheckpointStore())
                        .counter(
                                new ScanCounter() {
                                    @Override
                                    public void recordsDelivered(String shardId, int count) {
                                        counted.records.merge(shardId, (long) count, Long::sum);
                                    }

                                    @Override
                                    public void checkpointWritten(String shardId) {
                                        counted.checkpoints.merge(shardId, 1L, Long::sum);
                                    }
                                })
                        .build();
        CompletableFuture<Void> scan = scanCounting(c, seen, result);
        waitFor(() -> seen.get() >= total, Duration.ofSeconds(30), total + " records");
        Thread.sleep(300);
        Set<ObjectName> names = jmxNames(app);
        assertThat(names).hasSize(1);
        counted.overJmx =
                (Long)
                        ManagementFactory.getPlatformMBeanServer()
                                .getAttribute(names.iterator().next(), "RecordsDelivered");
        c.close();
        await(scan);
        assertThat(seen.get()).isEqualTo(total);
        counted.metrics = c.metrics();
        counted.registeredAfterClose = !jmxNames(app).isEmpty();
        return counted;
    }
}
