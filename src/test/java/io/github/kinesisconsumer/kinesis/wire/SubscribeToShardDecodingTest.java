package io.github.kinesisconsumer.kinesis.wire;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.Credentials;
import io.github.kinesisconsumer.testing.FastFanOutServer;
import io.github.kinesisconsumer.testing.FastKinesisServer;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Enhanced fan-out events decoded by the library give exactly what the SDK's decoding gives, over
 * the SDK's own HTTP/2 client: CBOR events from kinesis-local (binary payloads of many sizes,
 * unusual keys) and JSON events from the benchmark's fan-out stand-in (thousands of records in
 * events of 1,000). In decoded subscriptions the SDK sees every event without its records.
 */
class SubscribeToShardDecodingTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS_LOCAL = KinesisEmulatorExtension.kinesisLocal();

    @Test
    void cborEventsDecodeExactlyAsTheSdkDecodesThem() throws Exception {
        assertThat(KINESIS_LOCAL.clientSettings().cborEnabled()).isTrue();
        TestStream stream = KINESIS_LOCAL.createStream(1);
        String shard = stream.shardIds().get(0);
        Random random = new Random(7);
        List<String> keys = new ArrayList<>();
        List<byte[]> data = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            keys.add(i % 50 == 0 ? "ключ-ü-\uD83D\uDE42-" + i : "pk-" + i);
            byte[] payload = new byte[i == 5 ? 150_000 : 1 + random.nextInt(3_000)];
            random.nextBytes(payload);
            data.add(payload);
        }
        stream.putBytes(keys, data);
        String arn =
                stream.client()
                        .describeStreamSummary(b -> b.streamName(stream.name()))
                        .join()
                        .streamDescriptionSummary()
                        .streamARN();

        try (KinesisAsyncClient client =
                KINESIS_LOCAL.clientSettings().createAsyncClient(Protocol.HTTP2)) {
            // one consumer each: kinesis-local keeps a cancelled subscription a while
            String consumer = register(client, arn, KINESIS_LOCAL.uniqueName());
            String other = register(client, arn, KINESIS_LOCAL.uniqueName());
            Read ours = read(client, consumer, shard, 300, false, true);
            Read sdk = read(client, other, shard, 300, false, false);

            assertThat(ours.holder.decodedEvents()).isPositive();
            assertThat(ours.sdkSawRecords).as("the SDK saw records of a decoded event").isZero();
            assertThat(sdk.sdkSawRecords).isEqualTo(300);
            assertThat(ours.records).hasSize(300).isEqualTo(sdk.records);
            for (int i = 0; i < 300; i++) {
                assertThat(ours.records.get(i).partitionKey()).isEqualTo(keys.get(i));
                assertThat(ours.records.get(i).data()).isEqualTo(data.get(i));
                assertThat(ours.records.get(i).arrivalMillis()).isPositive();
            }
            assertThat(ours.last.continuationSequenceNumber())
                    .isEqualTo(sdk.last.continuationSequenceNumber());
            assertThat(ours.last.millisBehindLatest()).isEqualTo(sdk.last.millisBehindLatest());
        }
    }

    @Test
    void jsonEventsDecodeExactlyAsTheSdkDecodesThem() throws Exception {
        try (FastKinesisServer data = FastKinesisServer.start(2, 3_500, 100, 1);
                FastFanOutServer fanOut = FastFanOutServer.start(data, 1_000);
                KinesisAsyncClient client =
                        ClientSettings.builder()
                                .region("us-east-1")
                                .endpoint(fanOut.endpoint())
                                .credentials(Credentials.basic("local", "local"))
                                .cborEnabled(false)
                                .build()
                                .createAsyncClient(Protocol.HTTP2)) {
            String consumer =
                    register(client, "arn:aws:kinesis:us-east-1:000000000000:stream/bench", "c");
            for (String shard : List.of("shardId-000000000000", "shardId-000000000001")) {
                Read ours = read(client, consumer, shard, 3_500, false, true);
                Read sdk = read(client, consumer, shard, 3_500, false, false);

                assertThat(ours.holder.decodedEvents()).isEqualTo(4);
                assertThat(ours.sdkSawRecords).isZero();
                assertThat(ours.records).hasSize(3_500).isEqualTo(sdk.records);
                int index = Integer.parseInt(shard.substring(shard.length() - 1));
                for (int i = 0; i < 3_500; i += 499) {
                    assertThat(new String(ours.records.get(i).data(), StandardCharsets.US_ASCII))
                            .startsWith(index + ":" + i + ":");
                }
                assertThat(ours.last.continuationSequenceNumber())
                        .isEqualTo(sdk.last.continuationSequenceNumber())
                        .isEqualTo(ours.records.get(3_499).sequenceNumber());
            }
        }
    }

    private static String register(KinesisAsyncClient client, String streamArn, String name) {
        return client.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName(name))
                .join()
                .consumer()
                .consumerARN();
    }

    /**
     * One subscription's records, read until {@code expected} arrived (and, if {@code toShardEnd},
     * the shard's end), and its last event.
     */
    private static final class Read {
        final List<RawRecord> records = new ArrayList<>();
        DecodedEvents holder;
        int sdkSawRecords;
        SubscribeToShardEvent last;
    }

    private static Read read(
            KinesisAsyncClient client,
            String consumer,
            String shard,
            int expected,
            boolean toShardEnd,
            boolean decode)
            throws Exception {
        Read read = new Read();
        SubscribeToShardRequest.Builder request =
                SubscribeToShardRequest.builder()
                        .consumerARN(consumer)
                        .shardId(shard)
                        .startingPosition(p -> p.type(ShardIteratorType.TRIM_HORIZON));
        if (decode) {
            read.holder = DecodedEvents.attachTo(request);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Subscriber<SubscribeToShardEventStream> events =
                new Subscriber<>() {
                    private Subscription subscription;

                    @Override
                    public void onSubscribe(Subscription s) {
                        subscription = s;
                        s.request(1);
                    }

                    @Override
                    public void onNext(SubscribeToShardEventStream item) {
                        if (item instanceof SubscribeToShardEvent) {
                            SubscribeToShardEvent event = (SubscribeToShardEvent) item;
                            read.sdkSawRecords += event.records().size();
                            read.records.addAll(
                                    decode
                                            ? read.holder.recordsOf(event)
                                            : RawRecord.all(event.records()));
                            read.last = event;
                            if (read.records.size() >= expected
                                    && (!toShardEnd
                                            || event.continuationSequenceNumber() == null)) {
                                subscription.cancel();
                                done.complete(null);
                                return;
                            }
                        }
                        subscription.request(1);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onComplete() {
                        done.complete(null);
                    }
                };
        CompletableFuture<Void> call =
                client.subscribeToShard(
                        request.build(),
                        SubscribeToShardResponseHandler.builder()
                                .onEventStream(p -> p.subscribe(events))
                                .build());
        call.whenComplete(
                (ok, t) -> {
                    if (t != null) {
                        done.completeExceptionally(t);
                    }
                });
        done.get(60, TimeUnit.SECONDS);
        return read;
    }
}
