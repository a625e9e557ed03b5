package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.Credentials;
import io.github.kinesisconsumer.kinesis.KinesisCallException;
import io.github.kinesisconsumer.kinesis.StreamNotFoundException;
import io.github.kinesisconsumer.store.memory.InMemoryCheckpointStore;
import io.github.kinesisconsumer.testing.AwsErrorStub;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.Producer;
import io.github.kinesisconsumer.testing.TestStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.github.kinesisconsumer.consumer.ConsumerHarness.consumer;
import static io.github.kinesisconsumer.consumer.ConsumerHarness.inBackground;
import static io.github.kinesisconsumer.consumer.ConsumerHarness.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a scan does when the stream or the way to it is wrong, against kinesis-local and loopback
 * stand-ins. Each case fails in bounded time with a message naming what to fix.
 *
 * <p>Not shown here: kinesis-local and kinesalite accept any access key and do not check
 * signatures, so rejected credentials come from {@link AwsErrorStub} answering what Kinesis
 * answers. The UPDATING state of UpdateShardCount lasts 0 ms on the shared kinesis-local ({@code
 * UPDATE_SHARD_COUNT_DURATION=0ms}), so the test shows that reading goes on across a resharding by
 * UpdateShardCount, not that a window of UPDATING was observed.
 */
class KinesisConsumerStreamProblemsTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    private static KinesisConsumerBuilder consumerOf(ClientSettings settings, String stream) {
        return consumer(settings, stream, "problems", new InMemoryCheckpointStore());
    }

    @Test
    void aMissingStreamFailsTheScanNamingStreamAndEndpoint() {
        String name = KINESIS.uniqueName();
        try (KinesisConsumer c = consumerOf(KINESIS.clientSettings(), name).build()) {
            assertThatThrownBy(() -> c.scan(r -> ScanResult.CONTINUE))
                    .isInstanceOf(StreamNotFoundException.class)
                    .hasMessageContaining(
                            "Kinesis stream '"
                                    + name
                                    + "' not found at "
                                    + KINESIS.emulator().endpoint()
                                    + " (region us-east-1)")
                    .hasMessageContaining("check the stream name (or ARN), the region");
        }
    }

    /** kinesis-local keeps streams per region, so a wrong region reads as a missing stream. */
    @Test
    void aWrongRegionFailsAsAMissingStreamNamingTheRegion() {
        TestStream stream = KINESIS.createStream(1);
        ClientSettings otherRegion =
                KINESIS.clientSettings().toBuilder().region("eu-west-1").build();
        try (KinesisConsumer c = consumerOf(otherRegion, stream.name()).build()) {
            assertThatThrownBy(() -> c.scan(r -> ScanResult.CONTINUE))
                    .isInstanceOf(StreamNotFoundException.class)
                    .hasMessageContaining(stream.name())
                    .hasMessageContaining("(region eu-west-1)");
        }
    }

    @Test
    void aStreamDeletedWhileReadingStopsTheScanSayingSo() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        stream.putSequential(50, 5);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        try (KinesisConsumer c = consumerOf(KINESIS.clientSettings(), stream.name()).build()) {
            CompletableFuture<Void> scan =
                    inBackground(
                            () ->
                                    c.scan(
                                            r -> {
                                                seen.add(r.dataAsString());
                                                return ScanResult.CONTINUE;
                                            }));
            waitFor(() -> seen.size() == 50, Duration.ofSeconds(20), "the first records");
            KINESIS.client()
                    .deleteStream(r -> r.streamName(stream.name()).enforceConsumerDeletion(true))
                    .join();
            long start = System.nanoTime();
            assertThatThrownBy(() -> scan.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(KinesisCallException.class)
                    .hasMessageContaining(
                            "on shard shardId-000000000000 of stream '" + stream.name())
                    .hasMessageContaining("(was the stream or shard deleted?)");
            System.out.printf(
                    "deleted stream: scan failed %d ms after the delete%n",
                    (System.nanoTime() - start) / 1_000_000);
        }
    }

    @Test
    void readingGoesOnAcrossUpdateShardCount() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        try (KinesisConsumer c = consumerOf(KINESIS.clientSettings(), stream.name()).build();
                Producer producer = Producer.start(stream, 8, 20, 20, "")) {
            CompletableFuture<Void> scan =
                    inBackground(
                            () ->
                                    c.scan(
                                            r -> {
                                                seen.add(r.dataAsString());
                                                return ScanResult.CONTINUE;
                                            }));
            waitFor(() -> seen.size() >= 100, Duration.ofSeconds(20), "records before the update");
            stream.updateShardCount(2);
            int before = producer.written();
            waitFor(
                    () -> producer.written() >= before + 200,
                    Duration.ofSeconds(20),
                    "records written after the update");
            int total = producer.stop();
            waitFor(() -> seen.size() == total, Duration.ofSeconds(30), "every record");
            assertThat(scan).isNotDone();
            c.close();
            scan.get(30, TimeUnit.SECONDS);
        }
        assertThat(stream.shards()).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void rejectedCredentialsFailAtOnceSayingSo() throws Exception {
        try (AwsErrorStub stub = AwsErrorStub.unrecognizedClient()) {
            ClientSettings settings =
                    ClientSettings.builder()
                            .region("us-east-1")
                            .endpoint(stub.endpoint())
                            .credentials(Credentials.basic("AKIAUNKNOWN", "wrong-secret"))
                            .cborEnabled(false)
                            .build();
            try (KinesisConsumer c = consumerOf(settings, "orders").build()) {
                assertThatThrownBy(() -> c.scan(r -> ScanResult.CONTINUE))
                        .isInstanceOf(KinesisCallException.class)
                        .hasMessageContaining("ListShards of stream 'orders' at " + stub.endpoint())
                        .hasMessageContaining("failed after 1 attempt(s)")
                        .hasMessageContaining(
                                "the credentials were rejected (UnrecognizedClientException):"
                                        + " check ClientSettings.credentials(..)");
            }
            assertThat(stub.requests()).isEqualTo(1);
        }
    }

    @Test
    void anUnreachableEndpointFailsWithinSecondsNamingIt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + port;
        try (KinesisConsumer c =
                consumerOf(ClientSettings.forEndpoint(endpoint), "orders").build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> c.scan(r -> ScanResult.CONTINUE))
                    .isInstanceOf(KinesisCallException.class)
                    .hasMessageContaining("failed after 3 attempt(s)")
                    .hasMessageContaining(
                            "cannot connect to "
                                    + endpoint
                                    + " (region us-east-1): check ClientSettings.endpoint(..)");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(5));
        }
    }
}
