package io.github.kinesisconsumer.kinesis.wire;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;
import software.amazon.eventstream.MessageDecoder;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event-stream body of a subscription, cut into chunks at random places, comes out of the
 * splitter as one buffer per chunk, holding the same messages in the same order: events without
 * their records (which went to the holder, in order), everything else byte for byte.
 */
class EventRecordSplitterTest {

    @Test
    void randomStreamsCutAnywhereKeepEveryMessageAndEveryRecordInOrder() throws Exception {
        for (int seed = 0; seed < 300; seed++) {
            Random random = new Random(seed);
            List<Message> sent = new ArrayList<>();
            List<List<RawRecord>> recordsSent = new ArrayList<>();
            sent.add(message("event", "initial-response", "{}"));
            int events = 1 + random.nextInt(8);
            for (int e = 0; e < events; e++) {
                List<RawRecord> records = new ArrayList<>();
                int n = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(60);
                for (int i = 0; i < n; i++) {
                    byte[] data = new byte[random.nextInt(400)];
                    random.nextBytes(data);
                    records.add(
                            new RawRecord(
                                    "4960" + e + "000" + i,
                                    "key-" + random.nextInt(50),
                                    1_700_000_000_000L + random.nextInt(1000),
                                    data));
                }
                recordsSent.add(records);
                sent.add(message("event", "SubscribeToShardEvent", eventJson(records, e, random)));
            }
            if (random.nextBoolean()) {
                sent.add(message("exception", null, "{\"message\":\"boom\"}"));
            }
            byte[] body = encode(sent);

            DecodedEvents holder = decodedEvents();
            List<ByteBuffer> chunks = cut(body, random);
            List<ByteBuffer> out = run(chunks, holder);

            assertThat(out).as("one buffer out per buffer in").hasSize(chunks.size());
            List<Message> received = decode(out);
            assertThat(received).hasSize(sent.size());
            int event = 0;
            for (int i = 0; i < sent.size(); i++) {
                Message before = sent.get(i);
                Message after = received.get(i);
                assertThat(after.getHeaders()).isEqualTo(before.getHeaders());
                String payload = new String(after.getPayload(), StandardCharsets.UTF_8);
                if (isRecordsEvent(before)) {
                    assertThat(payload).doesNotContain("\"Records\"");
                    assertThat(payload).contains("\"ContinuationSequenceNumber\":\"c" + event);
                    assertThat(payload).contains("\"ChildShards\":[");
                    SubscribeToShardEvent sdkEvent =
                            SubscribeToShardEvent.builder().records(List.of()).build();
                    assertThat(holder.recordsOf(sdkEvent)).isEqualTo(recordsSent.get(event));
                    event++;
                } else {
                    assertThat(after.getPayload()).isEqualTo(before.getPayload());
                }
            }
            assertThat(holder.decodedEvents()).isEqualTo(events);
        }
    }

    @Test
    void anEventItCannotSplitGoesOnWholeAndItsRecordsAreTheSdks() throws Exception {
        List<Message> sent =
                List.of(
                        message("event", "SubscribeToShardEvent", "{\"Records\":[{\"Data\":}"),
                        message("event", "SubscribeToShardEvent", eventJson(List.of(), 1, null)));
        byte[] body = encode(sent);
        DecodedEvents holder = decodedEvents();

        List<Message> received = decode(run(List.of(ByteBuffer.wrap(body)), holder));

        assertThat(received.get(0).getPayload()).isEqualTo(sent.get(0).getPayload());
        Record sdkRecord =
                Record.builder()
                        .sequenceNumber("1")
                        .partitionKey("k")
                        .approximateArrivalTimestamp(Instant.ofEpochMilli(5))
                        .data(SdkBytes.fromUtf8String("x"))
                        .build();
        assertThat(holder.recordsOf(SubscribeToShardEvent.builder().records(sdkRecord).build()))
                .containsExactly(RawRecord.of(sdkRecord));
        assertThat(holder.recordsOf(SubscribeToShardEvent.builder().records(sdkRecord).build()))
                .as("the next event was split: its (empty) records are ours")
                .isEmpty();
        assertThat(holder.decodedEvents()).isEqualTo(1);
    }

    @Test
    void aBodyThatIsNotAnEventStreamPassesThroughUnchanged() throws Exception {
        byte[] body = "{\"__type\":\"ResourceNotFoundException\"}".getBytes(StandardCharsets.UTF_8);
        DecodedEvents holder = decodedEvents();

        List<ByteBuffer> out = run(List.of(ByteBuffer.wrap(body)), holder);

        ByteArrayOutputStream all = new ByteArrayOutputStream();
        out.forEach(b -> all.write(b.array(), b.arrayOffset() + b.position(), b.remaining()));
        assertThat(all.toByteArray()).isEqualTo(body);
        assertThat(holder.decodedEvents()).isZero();
    }

    private static DecodedEvents decodedEvents() {
        return DecodedEvents.attachTo(
                software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest.builder());
    }

    private static boolean isRecordsEvent(Message m) {
        HeaderValue type = m.getHeaders().get(":event-type");
        return type != null && type.getString().equals("SubscribeToShardEvent");
    }

    private static String eventJson(List<RawRecord> records, int event, Random random) {
        StringBuilder sb = new StringBuilder("{");
        boolean recordsFirst = random == null || random.nextBoolean();
        if (!recordsFirst) {
            sb.append("\"MillisBehindLatest\":").append(event).append(',');
        }
        sb.append("\"Records\":[");
        for (int i = 0; i < records.size(); i++) {
            RawRecord r = records.get(i);
            sb.append(i == 0 ? "" : ",")
                    .append("{\"SequenceNumber\":\"")
                    .append(r.sequenceNumber())
                    .append("\",\"ApproximateArrivalTimestamp\":")
                    .append(r.arrivalMillis() / 1000)
                    .append('.')
                    .append(String.format("%03d", r.arrivalMillis() % 1000))
                    .append(",\"Data\":\"")
                    .append(Base64.getEncoder().encodeToString(r.data()))
                    .append("\",\"PartitionKey\":\"")
                    .append(r.partitionKey())
                    .append("\"}");
        }
        sb.append("],\"ContinuationSequenceNumber\":\"c").append(event).append('"');
        if (recordsFirst) {
            sb.append(",\"MillisBehindLatest\":").append(event);
        }
        if (random != null && random.nextBoolean()) {
            return sb.append(
                            ",\"ChildShards\":[{\"ShardId\":\"shardId-1\",\"ParentShards\":"
                                    + "[\"shardId-0\"],\"HashKeyRange\":{\"StartingHashKey\":"
                                    + "\"0\",\"EndingHashKey\":\"9\"}}]}")
                    .toString();
        }
        return sb.append(",\"ChildShards\":[]}").toString();
    }

    private static Message message(String messageType, String eventType, String json) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":message-type", HeaderValue.fromString(messageType));
        if (eventType != null) {
            headers.put(":event-type", HeaderValue.fromString(eventType));
        } else {
            headers.put(":exception-type", HeaderValue.fromString("InternalFailureException"));
        }
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        return new Message(headers, json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] encode(List<Message> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Message m : messages) {
            ByteBuffer b = m.toByteBuffer();
            out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        }
        return out.toByteArray();
    }

    private static List<ByteBuffer> cut(byte[] body, Random random) {
        List<ByteBuffer> chunks = new ArrayList<>();
        for (int at = 0; at < body.length; ) {
            int n = Math.min(body.length - at, 1 + random.nextInt(random.nextBoolean() ? 7 : 3000));
            // direct and read-only buffers, as an HTTP client may hand them
            ByteBuffer chunk = ByteBuffer.allocateDirect(n);
            chunk.put(body, at, n).flip();
            chunks.add(chunk.asReadOnlyBuffer());
            at += n;
        }
        return chunks;
    }

    /** Feeds {@code chunks} through a splitter as a publisher would, one per request. */
    private static List<ByteBuffer> run(List<ByteBuffer> chunks, DecodedEvents holder) {
        List<ByteBuffer> out = new ArrayList<>();
        EventRecordSplitter splitter =
                new EventRecordSplitter(
                        downstream ->
                                downstream.onSubscribe(
                                        new Subscription() {
                                            int next;

                                            @Override
                                            public void request(long n) {
                                                for (long i = 0;
                                                        i < n && next < chunks.size();
                                                        i++) {
                                                    downstream.onNext(chunks.get(next++));
                                                }
                                                if (next == chunks.size()) {
                                                    next++;
                                                    downstream.onComplete();
                                                }
                                            }

                                            @Override
                                            public void cancel() {}
                                        }),
                        holder);
        splitter.subscribe(
                new Subscriber<>() {
                    Subscription s;

                    @Override
                    public void onSubscribe(Subscription s) {
                        this.s = s;
                        s.request(1);
                    }

                    @Override
                    public void onNext(ByteBuffer b) {
                        ByteBuffer copy = ByteBuffer.allocate(b.remaining());
                        copy.put(b).flip();
                        out.add(copy);
                        s.request(1);
                    }

                    @Override
                    public void onError(Throwable t) {
                        throw new AssertionError(t);
                    }

                    @Override
                    public void onComplete() {}
                });
        return out;
    }

    private static List<Message> decode(List<ByteBuffer> out) {
        List<Message> messages = new ArrayList<>();
        MessageDecoder decoder = new MessageDecoder(messages::add);
        for (ByteBuffer b : out) {
            decoder.feed(b.duplicate());
        }
        return messages;
    }
}
