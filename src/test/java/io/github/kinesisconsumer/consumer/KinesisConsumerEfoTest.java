package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.kinesis.FanOutOptions;
import io.github.kinesisconsumer.kinesis.discovery.StreamConsumerRegistrar;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.memory.InMemoryCheckpointStore;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.github.kinesisconsumer.consumer.ConsumerHarness.await;
import static io.github.kinesisconsumer.consumer.ConsumerHarness.consumer;
import static io.github.kinesisconsumer.consumer.ConsumerHarness.inBackground;
import static io.github.kinesisconsumer.consumer.ConsumerHarness.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The standalone consumer reading by enhanced fan-out on kinesis-local (SubscribeToShard over h2c),
 * and the stream consumer's registration lifecycle.
 */
class KinesisConsumerEfoTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    @Test
    void scanDeliversEachRecordOnceAndDeregistersTheConsumerItRegistered() throws Exception {
        TestStream stream = KINESIS.createStream(4);
        List<WrittenRecord> written = stream.putSequential(8_000, 200);
        StreamConsumerRegistrar registrar =
                new StreamConsumerRegistrar(KINESIS.client(), stream.ref());
        CheckpointStore store = new InMemoryCheckpointStore();
        Map<String, List<String>> byShard = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        KinesisConsumer c =
                consumer(KINESIS.clientSettings(), stream.name(), "efo-scan", store)
                        .enhancedFanOut("scan-efo")
                        .build();
        long start = System.nanoTime();
        CompletableFuture<Void> scan =
                inBackground(
                        () ->
                                c.scan(
                                        r -> {
                                            seen.add(r.dataAsString());
                                            byShard.computeIfAbsent(
                                                            r.shardId(),
                                                            k -> new CopyOnWriteArrayList<>())
                                                    .add(r.sequenceNumber());
                                            return ScanResult.CONTINUE;
                                        }));
        waitFor(() -> seen.size() >= 8_000, Duration.ofSeconds(60), "8,000 records");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(registrar.describe("scan-efo").consumerStatus())
                .isEqualTo(ConsumerStatus.ACTIVE);
        Thread.sleep(500);
        c.close();
        await(scan);

        assertThat(seen).hasSize(8_000);
        assertThat(new HashSet<>(seen)).hasSize(8_000);
        Map<String, List<String>> expected = new HashMap<>();
        for (WrittenRecord w : written) {
            expected.computeIfAbsent(w.shardId, k -> new ArrayList<>()).add(w.sequenceNumber);
        }
        assertThat(byShard).isEqualTo(expected);
        assertThat(registrar.describe("scan-efo"))
                .as("registered by the consumer, deregistered at close")
                .isNull();
        System.out.printf(
                "EFO scan: 8,000 records over %d shards (%s per shard) in %d ms%n",
                byShard.size(), sizes(byShard), millis);
    }

    @Test
    void anExistingConsumerIsUsedAndKept() throws Exception {
        TestStream stream = KINESIS.createStream(2);
        StreamConsumerRegistrar registrar =
                new StreamConsumerRegistrar(KINESIS.client(), stream.ref());
        StreamConsumerRegistrar.Registration existing =
                registrar.registerIfMissing("shared-efo", Duration.ofSeconds(10));
        assertThat(existing.registeredHere()).isTrue();
        stream.putSequential(300, 20);
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        KinesisConsumer c =
                consumer(
                                KINESIS.clientSettings(),
                                stream.name(),
                                "efo-kept",
                                new InMemoryCheckpointStore())
                        .enhancedFanOut(
                                FanOutOptions.builder("shared-efo")
                                        .subscriptionHealthTimeout(Duration.ofSeconds(10))
                                        .build())
                        .build();
        CompletableFuture<Void> scan =
                inBackground(
                        () ->
                                c.scan(
                                        r -> {
                                            seen.add(r.dataAsString());
                                            return ScanResult.CONTINUE;
                                        }));
        waitFor(() -> seen.size() >= 300, Duration.ofSeconds(30), "300 records");
        c.close();
        await(scan);
        assertThat(new HashSet<>(seen)).hasSize(300);
        assertThat(seen).hasSize(300);
        assertThat(registrar.describe("shared-efo").consumerARN())
                .as("a consumer the library did not register is kept")
                .isEqualTo(existing.consumerArn());
        registrar.deregister("shared-efo");
    }

    private static List<Integer> sizes(Map<String, List<String>> byShard) {
        List<Integer> out = new ArrayList<>();
        for (List<String> v : byShard.values()) {
            out.add(v.size());
        }
        return out;
    }
}
