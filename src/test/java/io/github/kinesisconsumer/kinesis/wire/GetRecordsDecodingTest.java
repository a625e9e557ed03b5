package io.github.kinesisconsumer.kinesis.wire;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.Credentials;
import io.github.kinesisconsumer.kinesis.KinesisErrors;
import io.github.kinesisconsumer.testing.FastKinesisServer;
import io.github.kinesisconsumer.testing.Fault;
import io.github.kinesisconsumer.testing.FaultProxy;
import io.github.kinesisconsumer.testing.FaultRule;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The library's own GetRecords decoding gives exactly what the SDK's does, on the real emulators:
 * CBOR (kinesis-local) and JSON (kinesalite), binary payloads of many sizes, unusual partition
 * keys, arrival times, the end of a split shard with its children; and errors still reach the
 * caller as the SDK's exceptions.
 */
class GetRecordsDecodingTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS_LOCAL = KinesisEmulatorExtension.kinesisLocal();

    @RegisterExtension
    static final KinesisEmulatorExtension KINESALITE = KinesisEmulatorExtension.kinesalite();

    @Test
    void cborAnswersDecodeExactlyAsTheSdkDecodesThem() throws Exception {
        assertThat(KINESIS_LOCAL.clientSettings().cborEnabled()).isTrue();
        decodesLikeTheSdk(KINESIS_LOCAL);
    }

    @Test
    void jsonAnswersDecodeExactlyAsTheSdkDecodesThem() throws Exception {
        assertThat(KINESALITE.clientSettings().cborEnabled()).isFalse();
        decodesLikeTheSdk(KINESALITE);
    }

    private static void decodesLikeTheSdk(KinesisEmulatorExtension kinesis) throws Exception {
        TestStream stream = kinesis.createStream(1);
        String shard = stream.shardIds().get(0);
        Random random = new Random(42);
        List<String> keys = new ArrayList<>();
        List<byte[]> data = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            keys.add(
                    i % 50 == 0
                            ? "ключ-ü-\uD83D\uDE42-" + i
                            : i % 77 == 0 ? "k".repeat(256) : "pk-" + i);
            byte[] payload = new byte[i == 7 ? 200_000 : 1 + random.nextInt(3_000)];
            random.nextBytes(payload);
            data.add(payload);
        }
        stream.putBytes(keys, data);
        stream.split(shard);

        ClientSettings settings = kinesis.clientSettings();
        try (KinesisAsyncClient ours = settings.createPollingClient();
                KinesisAsyncClient sdk = sdkDecoding(settings)) {
            List<Page> decoded = readToEnd(ours, stream.name(), shard);
            List<Page> parsed = readToEnd(sdk, stream.name(), shard);

            assertThat(decoded).allSatisfy(page -> assertThat(page.decodedByUs).isTrue());
            assertThat(parsed).allSatisfy(page -> assertThat(page.decodedByUs).isFalse());
            List<RawRecord> ourRecords = records(decoded);
            List<RawRecord> sdkRecords = records(parsed);
            assertThat(ourRecords).hasSize(400);
            assertThat(ourRecords).isEqualTo(sdkRecords);
            for (int i = 0; i < 400; i++) {
                assertThat(ourRecords.get(i).partitionKey()).isEqualTo(keys.get(i));
                assertThat(ourRecords.get(i).data()).isEqualTo(data.get(i));
                assertThat(ourRecords.get(i).arrivalMillis()).isPositive();
            }
            Page ourEnd = decoded.get(decoded.size() - 1);
            Page sdkEnd = parsed.get(parsed.size() - 1);
            assertThat(ourEnd.response.nextShardIterator()).isNull();
            if (kinesis.clientSettings().cborEnabled()) {
                assertThat(ourEnd.response.childShards()).hasSize(2); // kinesalite names none
            }
            assertThat(ourEnd.response.childShards()).isEqualTo(sdkEnd.response.childShards());
            assertThat(ourEnd.response.millisBehindLatest() == null)
                    .isEqualTo(sdkEnd.response.millisBehindLatest() == null);
        }
    }

    @Test
    void errorsStillArriveAsTheSdkMapsThem() throws Exception {
        try (FastKinesisServer kinesis = FastKinesisServer.start(1, 100, 50, 1);
                FaultProxy proxy = FaultProxy.start(kinesis.endpoint());
                KinesisAsyncClient client = proxy.clientSettings().createPollingClient()) {
            proxy.add(FaultRule.on("GetRecords", Fault.THROTTLE).times(1));
            proxy.add(FaultRule.on("GetRecords", Fault.EXPIRED_ITERATOR).times(1));
            proxy.add(FaultRule.on("GetRecords", Fault.INTERNAL_FAILURE).times(1));
            String iterator = iterator(client, "bench", "shardId-000000000000");

            List<DecodedRecords> holders = new ArrayList<>();
            assertThat(failure(client, iterator, holders))
                    .isInstanceOf(ProvisionedThroughputExceededException.class);
            assertThat(failure(client, iterator, holders))
                    .isInstanceOf(ExpiredIteratorException.class);
            Throwable internal = failure(client, iterator, holders);
            assertThat(internal).isInstanceOf(KinesisException.class);
            assertThat(((KinesisException) internal).statusCode()).isEqualTo(500);
            assertThat(holders).noneMatch(DecodedRecords::decoded);

            GetRecordsRequest.Builder timed =
                    GetRecordsRequest.builder()
                            .shardIterator(iterator)
                            .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(7)));
            DecodedRecords kept = DecodedRecords.attachTo(timed);
            GetRecordsRequest built = timed.build();
            assertThat(built.overrideConfiguration().orElseThrow().apiCallTimeout())
                    .as("an override the request had is kept")
                    .contains(Duration.ofSeconds(7));
            assertThat(kept.recordsOf(client.getRecords(built).join())).hasSize(100);
            assertThat(kept.decoded()).isTrue();

            Page page = call(client, "bench", iterator);
            assertThat(page.decodedByUs).isTrue();
            assertThat(page.records).hasSize(100);
            assertThat(page.response.records()).isEmpty();
            assertThat(page.response.nextShardIterator()).isNotNull();
        }
    }

    /**
     * An answer cut off in the middle of its records is a network failure, retried like any other,
     * whichever side decodes it: not a fatal error.
     */
    @Test
    void anAnswerCutOffMidwayIsATransientFailure() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> answerCutOff(server), "cut-off-answers");
            answering.setDaemon(true);
            answering.start();
            ClientSettings settings =
                    ClientSettings.builder()
                            .region("us-east-1")
                            .endpoint("http://127.0.0.1:" + server.getLocalPort())
                            .credentials(Credentials.basic("local", "local"))
                            .cborEnabled(false)
                            .apiCallAttemptTimeout(Duration.ofSeconds(5))
                            .build();
            try (KinesisAsyncClient ours = settings.createPollingClient();
                    KinesisAsyncClient sdk = sdkDecoding(settings)) {
                for (KinesisAsyncClient client : List.of(ours, sdk)) {
                    List<DecodedRecords> holders = new ArrayList<>();
                    Throwable cutOff = failure(client, "0/0", holders);
                    assertThat(KinesisErrors.isTransient(cutOff))
                            .as("%s should be retried", cutOff)
                            .isTrue();
                    assertThat(holders.get(0).decoded()).isFalse();
                }
            }
        }
    }

    private static void answerCutOff(ServerSocket server) {
        byte[] head =
                ("HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n"
                                + "Content-Length: 100000\r\n\r\n"
                                + "{\"Records\":[{\"SequenceNumber\":\"1\",\"Data\":\"QUJD")
                        .getBytes(StandardCharsets.US_ASCII);
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[8192];
                int read = in.read(buffer);
                if (read > 0) {
                    socket.getOutputStream().write(head);
                    socket.getOutputStream().flush();
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private static Throwable failure(
            KinesisAsyncClient client, String iterator, List<DecodedRecords> holders) {
        GetRecordsRequest.Builder request = GetRecordsRequest.builder().shardIterator(iterator);
        holders.add(DecodedRecords.attachTo(request));
        Throwable thrown = catchThrowable(() -> client.getRecords(request.build()).join());
        return thrown instanceof CompletionException ? thrown.getCause() : thrown;
    }

    private static KinesisAsyncClient sdkDecoding(ClientSettings settings) {
        System.setProperty(GetRecordsDecoding.DISABLE_PROPERTY, "true");
        try {
            return settings.createPollingClient();
        } finally {
            System.clearProperty(GetRecordsDecoding.DISABLE_PROPERTY);
        }
    }

    private static final class Page {
        final GetRecordsResponse response;
        final List<RawRecord> records;
        final boolean decodedByUs;

        Page(GetRecordsResponse response, DecodedRecords holder) {
            this.response = response;
            this.records = holder.recordsOf(response);
            this.decodedByUs = holder.decoded();
        }
    }

    private static List<Page> readToEnd(KinesisAsyncClient client, String stream, String shard) {
        List<Page> pages = new ArrayList<>();
        String iterator = iterator(client, stream, shard);
        while (iterator != null && pages.size() < 1_000) {
            Page page = call(client, stream, iterator);
            pages.add(page);
            iterator = page.response.nextShardIterator();
        }
        return pages;
    }

    private static Page call(KinesisAsyncClient client, String stream, String iterator) {
        GetRecordsRequest.Builder request =
                GetRecordsRequest.builder().shardIterator(iterator).limit(150);
        DecodedRecords holder = DecodedRecords.attachTo(request);
        return new Page(client.getRecords(request.build()).join(), holder);
    }

    private static List<RawRecord> records(List<Page> pages) {
        List<RawRecord> all = new ArrayList<>();
        pages.forEach(page -> all.addAll(page.records));
        return all;
    }

    private static String iterator(KinesisAsyncClient client, String stream, String shard) {
        return client.getShardIterator(
                        r ->
                                r.streamName(stream)
                                        .shardId(shard)
                                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .join()
                .shardIterator();
    }
}
