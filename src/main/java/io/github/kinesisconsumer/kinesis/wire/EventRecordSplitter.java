package io.github.kinesisconsumer.kinesis.wire;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * The body of a SubscribeToShard answer with the records taken out of its events: each buffer from
 * the HTTP client becomes exactly one buffer for the SDK (possibly empty while a message is still
 * incomplete), so demand passes through unchanged. Complete messages are passed on whole, except
 * {@code SubscribeToShardEvent}s, which are passed on re-encoded without their records after the
 * records went to the {@link DecodedEvents}. An event that cannot be split is passed on as it came.
 */
final class EventRecordSplitter implements Publisher<ByteBuffer> {

    private static final Logger LOG = LoggerFactory.getLogger(EventRecordSplitter.class);
    private static final String RECORDS_EVENT = "SubscribeToShardEvent";

    /** Prelude (total length, headers length, CRC) plus the message CRC. */
    private static final int FRAMING_BYTES = 16;

    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final Publisher<ByteBuffer> body;
    private final DecodedEvents holder;

    EventRecordSplitter(Publisher<ByteBuffer> body, DecodedEvents holder) {
        this.body = body;
        this.holder = holder;
    }

    @Override
    public void subscribe(Subscriber<? super ByteBuffer> downstream) {
        body.subscribe(new Splitting(downstream, holder));
    }

    /** One pass over the body; reactive-streams callbacks are serial, so no locking. */
    static final class Splitting implements Subscriber<ByteBuffer> {
        private final Subscriber<? super ByteBuffer> downstream;
        private final DecodedEvents holder;
        private byte[] pending = new byte[64 * 1024];
        private int start;
        private int end;
        private boolean passThrough;

        Splitting(Subscriber<? super ByteBuffer> downstream, DecodedEvents holder) {
            this.downstream = downstream;
            this.holder = holder;
        }

        @Override
        public void onSubscribe(Subscription s) {
            downstream.onSubscribe(s);
        }

        @Override
        public void onNext(ByteBuffer chunk) {
            if (passThrough) {
                downstream.onNext(chunk);
                return;
            }
            append(chunk);
            ByteBuffer out = null;
            while (end - start >= 4) {
                int total = ByteBuffer.wrap(pending, start, 4).getInt();
                if (total < FRAMING_BYTES || total > MAX_MESSAGE_BYTES) {
                    // not a framing we know: the SDK reads the rest as it came and reports it
                    passThrough = true;
                    out = concat(out, ByteBuffer.wrap(Arrays.copyOfRange(pending, start, end)));
                    start = end;
                    break;
                }
                if (end - start < total) {
                    break;
                }
                out = concat(out, message(start, total));
                start += total;
            }
            downstream.onNext(out == null ? ByteBuffer.allocate(0) : out);
        }

        private void append(ByteBuffer chunk) {
            int n = chunk.remaining();
            if (start == end) {
                start = 0;
                end = 0;
            }
            if (end + n > pending.length) {
                int live = end - start;
                if (live + n > pending.length) {
                    byte[] grown = new byte[Math.max(pending.length * 2, live + n)];
                    System.arraycopy(pending, start, grown, 0, live);
                    pending = grown;
                } else {
                    System.arraycopy(pending, start, pending, 0, live);
                }
                start = 0;
                end = live;
            }
            chunk.get(pending, end, n);
            end += n;
        }

        /** One complete message at {@code from}: split if it carries records, else as it came. */
        private ByteBuffer message(int from, int total) {
            Message message;
            try {
                message = Message.decode(ByteBuffer.wrap(pending, from, total).slice());
            } catch (RuntimeException e) {
                // the SDK reports what is wrong with it
                return copy(from, total);
            }
            Map<String, HeaderValue> headers = message.getHeaders();
            if (!"event".equals(text(headers, ":message-type"))
                    || !RECORDS_EVENT.equals(text(headers, ":event-type"))) {
                return copy(from, total);
            }
            String type = text(headers, ":content-type");
            boolean cbor = type != null && type.toLowerCase(Locale.ROOT).contains("cbor");
            try {
                RecordsWireFormat.Split split = RecordsWireFormat.split(message.getPayload(), cbor);
                holder.add(split.records);
                return new Message(headers, split.rest).toByteBuffer();
            } catch (IOException | RuntimeException e) {
                LOG.debug("an event of {} bytes is left to the SDK: {}", total, e.toString());
                holder.leftWhole();
                return copy(from, total);
            }
        }

        private ByteBuffer copy(int from, int length) {
            return ByteBuffer.wrap(Arrays.copyOfRange(pending, from, from + length));
        }

        private static String text(Map<String, HeaderValue> headers, String name) {
            HeaderValue value = headers.get(name);
            try {
                return value == null ? null : value.getString();
            } catch (RuntimeException e) {
                return null;
            }
        }

        private static ByteBuffer concat(ByteBuffer first, ByteBuffer next) {
            if (first == null) {
                return next;
            }
            ByteBuffer both = ByteBuffer.allocate(first.remaining() + next.remaining());
            both.put(first).put(next).flip();
            return both;
        }

        @Override
        public void onError(Throwable t) {
            downstream.onError(t);
        }

        @Override
        public void onComplete() {
            downstream.onComplete();
        }
    }
}
