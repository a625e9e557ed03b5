package io.github.kinesisconsumer.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Enhanced fan-out for benchmarks: SubscribeToShard over HTTP/2 (cleartext, prior knowledge, as the
 * SDK's Netty client speaks it to an {@code http://} endpoint), answered with the event-stream
 * framing Kinesis uses, on the data of a {@link FastKinesisServer}. The same port answers HTTP/1.1
 * and HTTP/2 calls for the consumer operations (registered consumers are active at once) and,
 * through the wrapped server, ListShards, DescribeStream(Summary) and GetShardIterator. JSON only
 * (CBOR off in the client), 127.0.0.1 only.
 *
 * <p>A subscription sends events of at most {@code recordsPerEvent} records back to back, as far as
 * HTTP/2 flow control lets it, each a slice of the wrapped server's pre-encoded records in one
 * event-stream message; once the shard's records are all sent it sends an empty event every second,
 * and ends after five minutes as Kinesis does.
 */
public final class FastFanOutServer implements AutoCloseable {

    private static final long SUBSCRIPTION_NANOS = TimeUnit.MINUTES.toNanos(5);
    private static final String JSON_TYPE = "application/x-amz-json-1.1";

    private final FastKinesisServer data;
    private final int recordsPerEvent;
    private final EventLoopGroup group;
    private final Channel server;
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, AtomicLong> callsByOp = new ConcurrentHashMap<>();
    private final AtomicLong events = new AtomicLong();

    private FastFanOutServer(FastKinesisServer data, int recordsPerEvent)
            throws InterruptedException {
        this.data = data;
        this.recordsPerEvent = recordsPerEvent;
        AtomicInteger n = new AtomicInteger();
        this.group =
                new NioEventLoopGroup(
                        2,
                        r -> {
                            Thread t = new Thread(r, "fast-fan-out-" + n.incrementAndGet());
                            t.setDaemon(true);
                            threads.add(t);
                            return t;
                        });
        this.server =
                new ServerBootstrap()
                        .group(group)
                        .channel(NioServerSocketChannel.class)
                        .childHandler(
                                new ChannelInitializer<SocketChannel>() {
                                    @Override
                                    protected void initChannel(SocketChannel ch) {
                                        configure(ch);
                                    }
                                })
                        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                        .sync()
                        .channel();
    }

    /**
     * Serves fan-out on {@code data}'s stream; events of at most {@code recordsPerEvent} records.
     */
    public static FastFanOutServer start(FastKinesisServer data, int recordsPerEvent)
            throws InterruptedException {
        return new FastFanOutServer(data, recordsPerEvent);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Zeroes the call counters (per benchmark run). */
    public void resetCounters() {
        callsByOp.clear();
        events.set(0);
    }

    /** Calls per operation and the events sent, for the report. */
    public String callsByOperation() {
        StringBuilder sb = new StringBuilder();
        callsByOp.forEach((k, v) -> sb.append(k).append('=').append(v.get()).append(' '));
        return sb.append("events=").append(events.get()).toString();
    }

    /** CPU nanoseconds used so far by this server's event-loop threads. */
    public long serverCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : threads) {
            long c = mx.getThreadCpuTime(t.getId());
            if (c > 0) {
                sum += c;
            }
        }
        return sum;
    }

    private void configure(SocketChannel ch) {
        HttpServerCodec http1 = new HttpServerCodec();
        ChannelInitializer<Channel> http2 =
                new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        // prior knowledge: HTTP/2 from the first byte, no HTTP/1.1 handlers
                        c.pipeline().remove(HttpObjectAggregator.class);
                        c.pipeline().remove(Http1Call.class);
                        c.pipeline()
                                .addLast(
                                        Http2FrameCodecBuilder.forServer()
                                                .initialSettings(
                                                        Http2Settings.defaultSettings()
                                                                .maxConcurrentStreams(10_000))
                                                .build(),
                                        new Http2MultiplexHandler(
                                                new ChannelInitializer<Channel>() {
                                                    @Override
                                                    protected void initChannel(Channel stream) {
                                                        stream.pipeline().addLast(new Http2Call());
                                                    }
                                                }));
                    }
                };
        ch.pipeline()
                .addLast(
                        new CleartextHttp2ServerUpgradeHandler(
                                http1,
                                new HttpServerUpgradeHandler(http1, protocol -> null),
                                http2),
                        new HttpObjectAggregator(1 << 20),
                        new Http1Call());
    }

    private String op(CharSequence target) {
        String t = target == null ? "" : target.toString();
        String op = t.substring(t.indexOf('.') + 1);
        callsByOp.computeIfAbsent(op, k -> new AtomicLong()).incrementAndGet();
        return op;
    }

    /** The JSON answer to a unary operation. */
    private String answer(String op, String body) {
        switch (op) {
            case "RegisterStreamConsumer":
                return "{\"Consumer\":"
                        + consumer(FastKinesisServer.str(body, "ConsumerName"))
                        + "}";
            case "DescribeStreamConsumer":
                return "{\"ConsumerDescription\":"
                        + consumer(FastKinesisServer.str(body, "ConsumerName"))
                                .replace("}", ",\"StreamARN\":\"" + data.arn() + "\"}")
                        + "}";
            case "DeregisterStreamConsumer":
                return "{}";
            default:
                return data.answer(op, body);
        }
    }

    private String consumer(String name) {
        return "{\"ConsumerName\":\""
                + name
                + "\",\"ConsumerARN\":\""
                + data.arn()
                + "/consumer/"
                + name
                + ":1\",\"ConsumerStatus\":\"ACTIVE\",\"ConsumerCreationTimestamp\":"
                + FastKinesisServer.CREATED_SECONDS
                + "}";
    }

    private static String refusal(FastKinesisServer.Refusal e) {
        return "{\"__type\":\""
                + e.type
                + "\",\"message\":\""
                + e.getMessage().replace('"', '\'')
                + "\"}";
    }

    /** One HTTP/1.1 request: a unary operation. */
    private final class Http1Call extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String op = op(req.headers().get("X-Amz-Target"));
            String body = req.content().toString(StandardCharsets.UTF_8);
            HttpResponseStatus status = HttpResponseStatus.OK;
            String json;
            try {
                json = answer(op, body);
            } catch (FastKinesisServer.Refusal e) {
                status = HttpResponseStatus.valueOf(e.status);
                json = refusal(e);
            }
            FullHttpResponse resp =
                    new DefaultFullHttpResponse(
                            HttpVersion.HTTP_1_1,
                            status,
                            Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)));
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON_TYPE);
            HttpUtil.setContentLength(resp, resp.content().readableBytes());
            HttpUtil.setKeepAlive(resp, HttpUtil.isKeepAlive(req));
            ctx.writeAndFlush(resp);
        }
    }

    /** One HTTP/2 stream: a unary operation, or a subscription sending events. */
    private final class Http2Call extends ChannelInboundHandlerAdapter {
        private Http2Headers headers;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private Subscription subscription;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                boolean end = false;
                if (msg instanceof Http2HeadersFrame) {
                    Http2HeadersFrame f = (Http2HeadersFrame) msg;
                    headers = f.headers();
                    end = f.isEndStream();
                } else if (msg instanceof Http2DataFrame) {
                    Http2DataFrame f = (Http2DataFrame) msg;
                    ByteBuf content = f.content();
                    body.write(ByteBufUtil.getBytes(content), 0, content.readableBytes());
                    end = f.isEndStream();
                }
                if (end) {
                    call(ctx);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void call(ChannelHandlerContext ctx) {
            String op = op(headers.get("x-amz-target"));
            String text = new String(body.toByteArray(), StandardCharsets.UTF_8);
            if (op.equals("SubscribeToShard")) {
                try {
                    subscription = new Subscription(ctx, text);
                } catch (FastKinesisServer.Refusal e) {
                    unary(ctx, e.status, refusal(e));
                    return;
                }
                subscription.begin();
                return;
            }
            try {
                unary(ctx, 200, answer(op, text));
            } catch (FastKinesisServer.Refusal e) {
                unary(ctx, e.status, refusal(e));
            }
        }

        private void unary(ChannelHandlerContext ctx, int status, String json) {
            ctx.write(
                    new DefaultHttp2HeadersFrame(
                            new DefaultHttp2Headers()
                                    .status(String.valueOf(status))
                                    .set("content-type", JSON_TYPE)));
            ctx.writeAndFlush(
                    new DefaultHttp2DataFrame(
                            Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)), true));
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (subscription != null) {
                subscription.pump();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (subscription != null) {
                subscription.stop();
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** A SubscribeToShard in progress on one HTTP/2 stream; runs on the stream's event loop. */
    private final class Subscription {
        private final ChannelHandlerContext ctx;
        private final int shard;
        private final long deadline = System.nanoTime() + SUBSCRIPTION_NANOS;
        private int next;
        private boolean stopped;
        private ScheduledFuture<?> heartbeat;

        Subscription(ChannelHandlerContext ctx, String request) {
            this.ctx = ctx;
            this.shard = data.shardIndex(FastKinesisServer.str(request, "ShardId"));
            this.next =
                    (int)
                            data.startOffset(
                                    FastKinesisServer.str(request, "Type"),
                                    FastKinesisServer.str(request, "SequenceNumber"));
        }

        void begin() {
            ctx.write(
                    new DefaultHttp2HeadersFrame(
                            new DefaultHttp2Headers()
                                    .status("200")
                                    .set("content-type", "application/vnd.amazon.eventstream")));
            ctx.write(message("initial-response", new byte[] {'{', '}'}));
            pump();
        }

        void pump() {
            while (!stopped && next < data.recordsPerShard() && ctx.channel().isWritable()) {
                int to = Math.min(data.recordsPerShard(), next + recordsPerEvent);
                ctx.write(event(next, to));
                next = to;
            }
            ctx.flush();
            if (!stopped && next >= data.recordsPerShard() && heartbeat == null) {
                heartbeat = ctx.executor().scheduleAtFixedRate(this::idle, 1, 1, TimeUnit.SECONDS);
            }
        }

        private void idle() {
            if (stopped) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                stop();
                ctx.writeAndFlush(new DefaultHttp2DataFrame(true))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.writeAndFlush(event(next, next));
        }

        void stop() {
            stopped = true;
            if (heartbeat != null) {
                heartbeat.cancel(false);
            }
        }

        private DefaultHttp2DataFrame event(int from, int to) {
            int[] slice = data.slice(shard, from, to);
            byte[] behind =
                    ("],\"ContinuationSequenceNumber\":\""
                                    + FastKinesisServer.sequenceNumber(shard, Math.max(0, to - 1))
                                    + "\",\"MillisBehindLatest\":"
                                    + (to < data.recordsPerShard() ? 1000 : 0)
                                    + "}")
                            .getBytes(StandardCharsets.US_ASCII);
            byte[] payload = new byte[12 + slice[1] + behind.length];
            System.arraycopy(
                    "{\"Records\":[".getBytes(StandardCharsets.US_ASCII), 0, payload, 0, 12);
            System.arraycopy(data.encodedRecords(shard), slice[0], payload, 12, slice[1]);
            System.arraycopy(behind, 0, payload, 12 + slice[1], behind.length);
            events.incrementAndGet();
            return message("SubscribeToShardEvent", payload);
        }

        private DefaultHttp2DataFrame message(String eventType, byte[] payload) {
            Map<String, HeaderValue> h = new LinkedHashMap<>();
            h.put(":message-type", HeaderValue.fromString("event"));
            h.put(":event-type", HeaderValue.fromString(eventType));
            h.put(":content-type", HeaderValue.fromString("application/json"));
            return new DefaultHttp2DataFrame(
                    Unpooled.wrappedBuffer(new Message(h, payload).toByteBuffer()), false);
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
