package io.github.kinesisconsumer.testing;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.Credentials;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP/1.1 proxy in front of a Kinesis endpoint speaking JSON 1.1 (CBOR off in the
 * client), for fault-injection tests. It forwards every call unless a {@link FaultRule} hits it;
 * the rule's {@link Fault} then answers instead (a Kinesis error as real Kinesis sends it), closes
 * the connection, delays the call, or holds it while the proxy is dark. The operation is read from
 * the {@code X-Amz-Target} header; the shard of a GetRecords call from the iterators the proxy saw
 * issued, so rules can act once per shard. Injected faults are counted per kind.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(Emulator.KINESALITE.endpoint())) {
 *     proxy.add(FaultRule.on("GetRecords", Fault.THROTTLE).probability(0.3));
 *     ClientSettings viaProxy = ... .endpoint(proxy.endpoint()) ...;
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);
    private static final Set<String> HOP_HEADERS =
            Set.of(
                    "host",
                    "connection",
                    "content-length",
                    "expect",
                    "upgrade",
                    "keep-alive",
                    "transfer-encoding",
                    "date");
    private static final Pattern SHARD_ID = Pattern.compile("\"ShardId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern ITERATOR =
            Pattern.compile("\"(?:Next)?ShardIterator\"\\s*:\\s*\"([^\"]+)\"");
    private static final byte[] NEXT_ITERATOR =
            "\"NextShardIterator\":\"".getBytes(StandardCharsets.US_ASCII);

    private final URI upstream;
    private final HttpServer server;
    private final ExecutorService threads;
    private final HttpClient client;
    private final List<FaultRule> rules = new CopyOnWriteArrayList<>();
    private final Map<Fault, AtomicLong> injected = new EnumMap<>(Fault.class);
    private final Map<String, AtomicLong> forwarded = new ConcurrentHashMap<>();
    private final AtomicLong upstreamFailures = new AtomicLong();
    private final Map<String, String> iteratorShards = new ConcurrentHashMap<>();

    private FaultProxy(URI upstream) throws IOException {
        this.upstream = upstream;
        for (Fault f : Fault.values()) {
            injected.put(f, new AtomicLong());
        }
        this.threads =
                Executors.newCachedThreadPool(
                        r -> {
                            Thread t = new Thread(r, "fault-proxy");
                            t.setDaemon(true);
                            return t;
                        });
        this.client =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5))
                        .executor(threads)
                        .build();
        this.server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a proxy on a free loopback port in front of {@code upstreamEndpoint}. */
    /** Client settings for a JSON Kinesis stand-in behind this proxy, 5 s per attempt. */
    public ClientSettings clientSettings() {
        return ClientSettings.builder()
                .region("us-east-1")
                .endpoint(endpoint())
                .credentials(Credentials.basic("local", "local"))
                .cborEnabled(false)
                .apiCallAttemptTimeout(Duration.ofSeconds(5))
                .build();
    }

    public static FaultProxy start(String upstreamEndpoint) throws IOException {
        return new FaultProxy(URI.create(upstreamEndpoint));
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Adds a rule; rules are tried in the order added, and the first that hits a call wins. */
    public FaultRule add(FaultRule rule) {
        rules.add(rule);
        return rule;
    }

    /** Holds every call for {@code duration}, then closes its connection without an answer. */
    public FaultRule goDark(Duration duration) {
        return add(FaultRule.on(null, Fault.DARK).lasting(duration));
    }

    /** Disarms and removes all rules. */
    public void clearRules() {
        for (FaultRule rule : rules) {
            rule.disarm();
        }
        rules.clear();
    }

    /** Disarms and removes all rules and zeroes the counters. */
    public void reset() {
        clearRules();
        injected.values().forEach(n -> n.set(0));
        forwarded.clear();
        upstreamFailures.set(0);
    }

    /** Faults of this kind injected so far. */
    public long injected(Fault fault) {
        return injected.get(fault).get();
    }

    /** Calls of {@code operation} forwarded to the endpoint so far. */
    public long forwarded(String operation) {
        AtomicLong n = forwarded.get(operation);
        return n == null ? 0 : n.get();
    }

    /** Calls that could not be forwarded (endpoint down); their connection was closed. */
    public long upstreamFailures() {
        return upstreamFailures.get();
    }

    /** The injected faults, e.g. {@code "THROTTLE=412 RESET=3"} (kinds never injected omitted). */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Fault, AtomicLong> e : injected.entrySet()) {
            if (e.getValue().get() > 0) {
                sb.append(e.getKey()).append('=').append(e.getValue().get()).append(' ');
            }
        }
        if (upstreamFailures.get() > 0) {
            sb.append("upstream-failures=").append(upstreamFailures.get()).append(' ');
        }
        return sb.length() == 0 ? "none" : sb.toString().trim();
    }

    /** Forwarded calls per operation, for reports. */
    public Map<String, Long> forwardedByOperation() {
        Map<String, Long> out = new TreeMap<>();
        forwarded.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    private void handle(HttpExchange ex) {
        try {
            String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
            String op = target == null ? "" : target.substring(target.indexOf('.') + 1);
            byte[] body = ex.getRequestBody().readAllBytes();
            String request = new String(body, StandardCharsets.UTF_8);
            String shardId = shardOf(op, request);
            for (FaultRule rule : rules) {
                if (!rule.hits(op, shardId)) {
                    continue;
                }
                injected.get(rule.fault()).incrementAndGet();
                if (rule.fault() == Fault.LATENCY) {
                    Thread.sleep(rule.latency().toMillis());
                    continue;
                }
                inject(ex, rule, op);
                return;
            }
            forward(ex, op, body, request, shardId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.debug("fault proxy: call failed: {}", e.toString());
        } finally {
            ex.close();
        }
    }

    private void inject(HttpExchange ex, FaultRule rule, String op)
            throws IOException, InterruptedException {
        Fault fault = rule.fault();
        if (fault.isAnswer()) {
            respond(ex, fault.status(), fault.body(op).getBytes(StandardCharsets.UTF_8));
        } else if (fault == Fault.DARK) {
            while (rule.isActive()) {
                Thread.sleep(20);
            }
        }
        // RESET and DARK: the exchange is closed without response headers, which closes the
        // connection
    }

    private void forward(HttpExchange ex, String op, byte[] body, String request, String shardId)
            throws IOException, InterruptedException {
        HttpRequest.Builder out =
                HttpRequest.newBuilder(upstream.resolve(ex.getRequestURI().getPath()))
                        .timeout(Duration.ofSeconds(60))
                        .method(
                                ex.getRequestMethod(),
                                HttpRequest.BodyPublishers.ofByteArray(body));
        ex.getRequestHeaders()
                .forEach(
                        (name, values) -> {
                            if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                                values.forEach(v -> out.header(name, v));
                            }
                        });
        HttpResponse<byte[]> response;
        try {
            response = client.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            upstreamFailures.incrementAndGet();
            return;
        }
        forwarded.computeIfAbsent(op, k -> new AtomicLong()).incrementAndGet();
        if (response.statusCode() == 200) {
            trackIterator(op, request, response.body(), shardId);
        }
        response.headers()
                .map()
                .forEach(
                        (name, values) -> {
                            if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                                ex.getResponseHeaders().put(name, values);
                            }
                        });
        respond(ex, response.statusCode(), response.body());
    }

    private static void respond(HttpExchange ex, int status, byte[] body) throws IOException {
        if (!ex.getResponseHeaders().containsKey("Content-Type")) {
            ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }

    private String shardOf(String op, String request) {
        if (op.equals("GetShardIterator")) {
            return first(SHARD_ID, request);
        }
        if (op.equals("GetRecords")) {
            String iterator = first(ITERATOR, request);
            return iterator == null ? null : iteratorShards.get(iterator);
        }
        return null;
    }

    /** Remembers which shard the iterator in an answer belongs to. */
    private void trackIterator(String op, String request, byte[] answer, String shardId) {
        if (shardId == null) {
            return;
        }
        if (op.equals("GetShardIterator")) {
            String issued = first(ITERATOR, new String(answer, StandardCharsets.UTF_8));
            if (issued != null) {
                iteratorShards.put(issued, shardId);
            }
        } else if (op.equals("GetRecords")) {
            iteratorShards.remove(first(ITERATOR, request));
            String next = nextIterator(answer);
            if (next != null) {
                iteratorShards.put(next, shardId);
            }
        }
    }

    private static String first(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /** Finds NextShardIterator in a GetRecords answer without decoding its (large) body. */
    private static String nextIterator(byte[] answer) {
        outer:
        for (int i = 0; i <= answer.length - NEXT_ITERATOR.length; i++) {
            for (int j = 0; j < NEXT_ITERATOR.length; j++) {
                if (answer[i + j] != NEXT_ITERATOR[j]) {
                    continue outer;
                }
            }
            int start = i + NEXT_ITERATOR.length;
            int end = start;
            while (end < answer.length && answer[end] != '"') {
                end++;
            }
            return new String(answer, start, end - start, StandardCharsets.US_ASCII);
        }
        return null;
    }

    @Override
    public void close() {
        clearRules();
        server.stop(0);
        threads.shutdownNow();
    }
}
