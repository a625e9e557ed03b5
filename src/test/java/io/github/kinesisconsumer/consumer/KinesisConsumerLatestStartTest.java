package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.kinesis.PollerOptions;
import io.github.kinesisconsumer.store.memory.InMemoryCheckpointStore;
import io.github.kinesisconsumer.testing.Emulator;
import io.github.kinesisconsumer.testing.Fault;
import io.github.kinesisconsumer.testing.FaultProxy;
import io.github.kinesisconsumer.testing.FaultRule;
import io.github.kinesisconsumer.testing.KinesaliteProcess;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static io.github.kinesisconsumer.consumer.ConsumerHarness.inBackground;
import static io.github.kinesisconsumer.consumer.ConsumerHarness.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A scan at the default starting position (LATEST) keeps the moment it started: when the iterator
 * of a shard it has not read from yet expires, the new iterator starts at that moment, not at the
 * tip. On kinesis-local behind a fault proxy (CBOR off, so the proxy can read the calls).
 */
class KinesisConsumerLatestStartTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS_LOCAL = KinesisEmulatorExtension.kinesisLocal();

    @Test
    void anExpiredIteratorOfANeverReadShardSkipsNothing() throws Exception {
        TestStream stream = KINESIS_LOCAL.createStream(4);
        Set<String> delivered = ConcurrentHashMap.newKeySet();
        try (FaultProxy proxy = FaultProxy.start(Emulator.KINESIS_LOCAL.endpoint());
                KinesisConsumer consumer =
                        KinesisConsumer.builder()
                                .streamName(stream.name())
                                .appName("latest-start-" + stream.name())
                                .clientSettings(KinesaliteProcess.settingsFor(proxy.endpoint()))
                                .checkpointStore(new InMemoryCheckpointStore())
                                .pollerOptions(
                                        PollerOptions.builder()
                                                .idlePollInterval(Duration.ofMillis(100))
                                                .build())
                                .build()) {
            CompletableFuture<Void> scan =
                    inBackground(
                            () ->
                                    consumer.scan(
                                            r -> {
                                                delivered.add(r.sequenceNumber());
                                                return ScanResult.CONTINUE;
                                            }));
            waitFor(
                    () -> proxy.forwarded("GetRecords") >= 8,
                    Duration.ofSeconds(30),
                    "GetRecords on every shard");
            FaultRule hold =
                    proxy.add(
                            FaultRule.latency("GetRecords", Duration.ofSeconds(3)).oncePerShard());
            FaultRule expire =
                    proxy.add(FaultRule.on("GetRecords", Fault.EXPIRED_ITERATOR).oncePerShard());
            waitFor(
                    () -> hold.shardsHit().size() == 4,
                    Duration.ofSeconds(30),
                    "a held GetRecords on every shard");
            List<WrittenRecord> written = stream.putSequential(200, 20);
            Set<String> expected =
                    written.stream().map(w -> w.sequenceNumber).collect(Collectors.toSet());
            waitFor(
                    () -> delivered.containsAll(expected),
                    Duration.ofSeconds(30),
                    "every record written after the iterators were taken; got " + delivered.size());
            consumer.close();
            scan.get();
            assertThat(expire.shardsHit()).containsExactlyInAnyOrderElementsOf(stream.shardIds());
            assertThat(delivered).isEqualTo(expected);
        }
    }
}
