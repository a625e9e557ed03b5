package io.github.kinesisconsumer.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fast in-process Kinesis stand-in for benchmarks: one stream of {@code shards} open shards, each
 * holding {@code recordsPerShard} pre-generated records of {@code recordBytes} bytes. It speaks the
 * Kinesis JSON 1.1 protocol (CBOR off in the client) for ListShards, DescribeStream,
 * DescribeStreamSummary, GetShardIterator and GetRecords, on 127.0.0.1 only.
 *
 * <p>Every record is encoded to its JSON object once, when the server is built, and the objects of
 * a shard sit back to back (comma-separated) in one array; a GetRecords page is then a slice of
 * that array between two precomputed offsets, written without any copy or per-record work. So the
 * server spends almost no CPU per record and the benchmark measures the client.
 *
 * <p>Iterators are {@code "<shard index>/<offset>"}. Shards stay open: past the last record a
 * GetRecords returns an empty page and the same iterator.
 */
public final class FastKinesisServer implements AutoCloseable {

    public static final String STREAM = "bench";
    static final long CREATED_SECONDS = 1_700_000_000L;

    private static final Pattern STRING_FIELD =
            Pattern.compile("\"(\\w+)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern NUMBER_FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*(-?\\d+)");

    private final int shards;
    private final int recordsPerShard;
    private final int recordBytes;
    private final int listPageDefault;

    /** Per shard: the JSON objects of its records, comma-separated. */
    private final byte[][] shardJson;

    /** Per shard: where record i's object starts in shardJson; [recordsPerShard] = length + 1. */
    private final int[][] starts;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Set<Thread> serverThreads = ConcurrentHashMap.newKeySet();
    private final AtomicLong getRecordsCalls = new AtomicLong();
    private final AtomicLong listShardsCalls = new AtomicLong();
    private final ConcurrentHashMap<String, AtomicLong> callsByOp = new ConcurrentHashMap<>();

    /** Per shard: when its first GetRecords call arrived since the counters were reset, or 0. */
    private final AtomicLongArray firstCallNanos;

    private FastKinesisServer(int shards, int recordsPerShard, int recordBytes, int threads)
            throws IOException {
        this.shards = shards;
        this.recordsPerShard = recordsPerShard;
        this.recordBytes = recordBytes;
        this.listPageDefault = 1000;
        this.shardJson = new byte[shards][];
        this.starts = new int[shards][];
        this.firstCallNanos = new AtomicLongArray(shards);
        if (recordsPerShard > 0) {
            generate();
        }
        this.server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        AtomicInteger n = new AtomicInteger();
        this.executor =
                Executors.newFixedThreadPool(
                        threads,
                        r -> {
                            Thread t = new Thread(r, "fast-kinesis-" + n.incrementAndGet());
                            t.setDaemon(true);
                            serverThreads.add(t);
                            return t;
                        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a stand-in for one stream; {@code threads} handler threads. */
    public static FastKinesisServer start(
            int shards, int recordsPerShard, int recordBytes, int threads) throws IOException {
        return new FastKinesisServer(shards, recordsPerShard, recordBytes, threads);
    }

    /**
     * Serves from a JVM of its own, so a benchmark's reader JVM holds none of its data and pays
     * none of its CPU: {@code FastKinesisServer <shards> <recordsPerShard> <recordBytes>
     * <threads>}. Prints {@code endpoint <url>} and {@code fan-out <url>} (a {@link
     * FastFanOutServer} on the same data, 1,000 records per event) once ready and serves until
     * stdin closes.
     */
    public static void main(String[] args) throws Exception {
        try (FastKinesisServer server =
                start(
                        Integer.parseInt(args[0]),
                        Integer.parseInt(args[1]),
                        Integer.parseInt(args[2]),
                        Integer.parseInt(args[3]))) {
            FastFanOutServer fanOut = FastFanOutServer.start(server, 1000);
            System.out.println("endpoint " + server.endpoint());
            System.out.println("fan-out " + fanOut.endpoint());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the parent closes our stdin (or dies)
            }
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public long totalRecords() {
        return (long) shards * recordsPerShard;
    }

    public long totalPayloadBytes() {
        return totalRecords() * recordBytes;
    }

    public long getRecordsCalls() {
        return getRecordsCalls.get();
    }

    public long listShardsCalls() {
        return listShardsCalls.get();
    }

    /** Zeroes the call counters (per benchmark run). */
    public void resetCounters() {
        callsByOp.clear();
        for (int i = 0; i < shards; i++) {
            firstCallNanos.set(i, 0);
        }
        getRecordsCalls.set(0);
        listShardsCalls.set(0);
    }

    /**
     * Calls per operation, for the report (shows what a client actually called), and how far apart
     * the shards' first GetRecords calls came ("first-call spread"): time a paced reader cannot
     * make up.
     */
    public String callsByOperation() {
        StringBuilder sb = new StringBuilder();
        callsByOp.forEach((k, v) -> sb.append(k).append('=').append(v.get()).append(' '));
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (int i = 0; i < shards; i++) {
            long t = firstCallNanos.get(i);
            if (t != 0) {
                first = Math.min(first, t);
                last = Math.max(last, t);
            }
        }
        if (first <= last) {
            sb.append(String.format(Locale.ROOT, "first-call-spread=%.0fms", (last - first) / 1e6));
        }
        return sb.toString().trim();
    }

    /**
     * CPU nanoseconds used so far by the server's threads (handler pool plus the JDK server's
     * dispatcher thread), so benchmarks can subtract the stand-in's share of process CPU.
     */
    public long serverCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        List<Thread> threads = new ArrayList<>(serverThreads);
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("HTTP-Dispatcher")) {
                threads.add(t);
            }
        }
        for (Thread t : threads) {
            long c = mx.getThreadCpuTime(t.getId());
            if (c > 0) {
                sum += c;
            }
        }
        return sum;
    }

    int shardCount() {
        return shards;
    }

    int recordsPerShard() {
        return recordsPerShard;
    }

    /**
     * Where the JSON objects of records {@code from} (inclusive) to {@code to} (exclusive) of a
     * shard sit, comma-separated, in {@link #encodedRecords}: {@code [offset, length]}.
     */
    int[] slice(int shard, int from, int to) {
        if (to <= from) {
            return new int[] {0, 0};
        }
        int start = starts[shard][from];
        return new int[] {start, starts[shard][to] - 1 - start};
    }

    byte[] encodedRecords(int shard) {
        return shardJson[shard];
    }

    static String shardId(int index) {
        return String.format("shardId-%012d", index);
    }

    static String sequenceNumber(int shard, long offset) {
        // Digits only and increasing within a shard, like real sequence numbers.
        return String.format("4%05d%014d", shard, offset);
    }

    private void generate() {
        Base64.Encoder b64 = Base64.getEncoder();
        byte[] payload = new byte[recordBytes];
        for (int s = 0; s < shards; s++) {
            ByteArrayOutputStream out =
                    new ByteArrayOutputStream(recordsPerShard * (recordBytes * 4 / 3 + 140));
            int[] st = new int[recordsPerShard + 1];
            for (int i = 0; i < recordsPerShard; i++) {
                if (i > 0) {
                    out.write(',');
                }
                st[i] = out.size();
                // Payload: the record's coordinates, then filler; distinct per record.
                byte[] head = (s + ":" + i + ":").getBytes(StandardCharsets.US_ASCII);
                for (int j = 0; j < recordBytes; j++) {
                    payload[j] = j < head.length ? head[j] : (byte) ('a' + (j + i) % 26);
                }
                String obj =
                        "{\"SequenceNumber\":\""
                                + sequenceNumber(s, i)
                                + "\",\"ApproximateArrivalTimestamp\":"
                                + CREATED_SECONDS
                                + ".0,\"Data\":\""
                                + b64.encodeToString(payload)
                                + "\",\"PartitionKey\":\"k"
                                + (i % 1000)
                                + "\"}";
                byte[] b = obj.getBytes(StandardCharsets.US_ASCII);
                out.write(b, 0, b.length);
            }
            st[recordsPerShard] = out.size() + 1;
            shardJson[s] = out.toByteArray();
            starts[s] = st;
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
            String op = target == null ? "" : target.substring(target.indexOf('.') + 1);
            callsByOp.computeIfAbsent(op, k -> new AtomicLong()).incrementAndGet();
            String body = readBody(ex.getRequestBody());
            if (op.equals("GetRecords")) {
                getRecords(ex, body);
            } else {
                json(ex, answer(op, body));
            }
        } catch (Refusal e) {
            error(ex, e.status, e.type, e.getMessage());
        } catch (RuntimeException e) {
            error(ex, 400, "InvalidArgumentException", String.valueOf(e.getMessage()));
        } finally {
            ex.close();
        }
    }

    /**
     * The JSON answer to any operation but GetRecords.
     *
     * @throws Refusal for an unknown operation or shard
     */
    String answer(String op, String body) {
        switch (op) {
            case "GetShardIterator":
                return getShardIterator(body);
            case "ListShards":
                return listShards(body);
            case "DescribeStream":
                return describeStream(body);
            case "DescribeStreamSummary":
                return describeStreamSummary();
            default:
                throw new Refusal(
                        400,
                        "UnknownOperationException",
                        "operation '" + op + "' is not served by the benchmark stand-in");
        }
    }

    /** An error answer: HTTP status, Kinesis error type and message. */
    static final class Refusal extends RuntimeException {
        final int status;
        final String type;

        Refusal(int status, String type, String message) {
            super(message, null, false, false);
            this.status = status;
            this.type = type;
        }
    }

    private static String readBody(InputStream in) throws IOException {
        byte[] b = in.readAllBytes();
        return new String(b, StandardCharsets.UTF_8);
    }

    static String str(String body, String field) {
        Matcher m = STRING_FIELD.matcher(body);
        while (m.find()) {
            if (m.group(1).equals(field)) {
                return m.group(2);
            }
        }
        return null;
    }

    private static long num(String body, String field, long dflt) {
        Matcher m = NUMBER_FIELD.matcher(body);
        while (m.find()) {
            if (m.group(1).equals(field)) {
                return Long.parseLong(m.group(2));
            }
        }
        return dflt;
    }

    private void getRecords(HttpExchange ex, String body) throws IOException {
        getRecordsCalls.incrementAndGet();
        String it = str(body, "ShardIterator");
        int slash = it == null ? -1 : it.indexOf('/');
        if (slash < 0) {
            error(ex, 400, "InvalidArgumentException", "bad shard iterator " + it);
            return;
        }
        int shard = Integer.parseInt(it.substring(0, slash));
        firstCallNanos.compareAndSet(shard, 0, System.nanoTime());
        int from = (int) Math.min(Long.parseLong(it.substring(slash + 1)), recordsPerShard);
        long limit = num(body, "Limit", 10_000);
        int to = (int) Math.min(recordsPerShard, from + Math.max(1, Math.min(limit, 10_000)));
        byte[] head = "{\"Records\":[".getBytes(StandardCharsets.US_ASCII);
        long behind = to < recordsPerShard ? 1000 : 0;
        byte[] tail =
                ("],\"NextShardIterator\":\""
                                + shard
                                + "/"
                                + to
                                + "\",\"MillisBehindLatest\":"
                                + behind
                                + "}")
                        .getBytes(StandardCharsets.US_ASCII);
        int[] slice = slice(shard, from, to);
        int sliceFrom = slice[0];
        int sliceLen = slice[1];
        ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        ex.sendResponseHeaders(200, head.length + sliceLen + tail.length);
        OutputStream os = ex.getResponseBody();
        os.write(head);
        if (sliceLen > 0) {
            os.write(shardJson[shard], sliceFrom, sliceLen);
        }
        os.write(tail);
    }

    private String getShardIterator(String body) {
        int shard = shardIndex(str(body, "ShardId"));
        long offset =
                startOffset(str(body, "ShardIteratorType"), str(body, "StartingSequenceNumber"));
        return "{\"ShardIterator\":\"" + shard + "/" + offset + "\"}";
    }

    /**
     * The index of a shard of this stream.
     *
     * @throws Refusal if there is no such shard
     */
    int shardIndex(String shardId) {
        int shard =
                shardId == null
                        ? -1
                        : Integer.parseInt(shardId.substring(shardId.lastIndexOf('-') + 1));
        if (shard < 0 || shard >= shards) {
            throw new Refusal(400, "ResourceNotFoundException", "no shard " + shardId);
        }
        return shard;
    }

    /** Where a reader starting at {@code type} (and {@code seq}) begins in a shard. */
    long startOffset(String type, String seq) {
        long offset;
        switch (type == null ? "TRIM_HORIZON" : type) {
            case "LATEST":
                offset = recordsPerShard;
                break;
            case "AT_SEQUENCE_NUMBER":
                offset = Long.parseLong(seq.substring(6));
                break;
            case "AFTER_SEQUENCE_NUMBER":
                offset = Long.parseLong(seq.substring(6)) + 1;
                break;
            default: // TRIM_HORIZON, AT_TIMESTAMP (all records share one arrival time)
                offset = 0;
        }
        return Math.min(offset, recordsPerShard);
    }

    private String shardJson(int i) {
        BigInteger max = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
        BigInteger width = BigInteger.ONE.shiftLeft(128).divide(BigInteger.valueOf(shards));
        BigInteger start = width.multiply(BigInteger.valueOf(i));
        BigInteger end = i == shards - 1 ? max : start.add(width).subtract(BigInteger.ONE);
        return "{\"ShardId\":\""
                + shardId(i)
                + "\",\"HashKeyRange\":{\"StartingHashKey\":\""
                + start
                + "\",\"EndingHashKey\":\""
                + end
                + "\"},\"SequenceNumberRange\":{\"StartingSequenceNumber\":\""
                + sequenceNumber(i, 0)
                + "\"}}";
    }

    private String listShards(String body) {
        listShardsCalls.incrementAndGet();
        String token = str(body, "NextToken");
        int from = token == null ? 0 : Integer.parseInt(token.substring(token.indexOf('/') + 1));
        if (token == null && body.contains("AFTER_SHARD_ID")) {
            String after = str(body, "ShardId");
            from = Integer.parseInt(after.substring(after.lastIndexOf('-') + 1)) + 1;
        }
        int max = (int) Math.max(1, Math.min(10_000, num(body, "MaxResults", listPageDefault)));
        int to = Math.min(shards, from + max);
        StringBuilder sb = new StringBuilder(200 * (to - from) + 64).append("{\"Shards\":[");
        for (int i = from; i < to; i++) {
            if (i > from) {
                sb.append(',');
            }
            sb.append(shardJson(i));
        }
        sb.append(']');
        if (to < shards) {
            sb.append(",\"NextToken\":\"page/").append(to).append('"');
        }
        return sb.append('}').toString();
    }

    String arn() {
        return "arn:aws:kinesis:us-east-1:000000000000:stream/" + STREAM;
    }

    private String describeStream(String body) {
        String startAfter = str(body, "ExclusiveStartShardId");
        int from =
                startAfter == null
                        ? 0
                        : Integer.parseInt(startAfter.substring(startAfter.lastIndexOf('-') + 1))
                                + 1;
        int max = (int) Math.max(1, Math.min(10_000, num(body, "Limit", 100)));
        int to = Math.min(shards, from + max);
        StringBuilder sb =
                new StringBuilder()
                        .append("{\"StreamDescription\":{\"StreamName\":\"")
                        .append(STREAM)
                        .append("\",\"StreamARN\":\"")
                        .append(arn())
                        .append("\",\"StreamStatus\":\"ACTIVE\",\"Shards\":[");
        for (int i = from; i < to; i++) {
            if (i > from) {
                sb.append(',');
            }
            sb.append(shardJson(i));
        }
        sb.append("],\"HasMoreShards\":")
                .append(to < shards)
                .append(",\"RetentionPeriodHours\":24,\"StreamCreationTimestamp\":")
                .append(CREATED_SECONDS)
                .append(",\"EnhancedMonitoring\":[],\"EncryptionType\":\"NONE\"}}");
        return sb.toString();
    }

    private String describeStreamSummary() {
        return "{\"StreamDescriptionSummary\":{\"StreamName\":\""
                + STREAM
                + "\",\"StreamARN\":\""
                + arn()
                + "\",\"StreamStatus\":\"ACTIVE\",\"StreamModeDetails\":{\"StreamMode\":"
                + "\"PROVISIONED\"},\"RetentionPeriodHours\":24,"
                + "\"StreamCreationTimestamp\":"
                + CREATED_SECONDS
                + ",\"EnhancedMonitoring\":[],\"EncryptionType\":\"NONE\","
                + "\"OpenShardCount\":"
                + shards
                + ",\"ConsumerCount\":0}}";
    }

    private static void json(HttpExchange ex, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
    }

    private static void error(HttpExchange ex, int status, String type, String message)
            throws IOException {
        byte[] b =
                ("{\"__type\":\"" + type + "\",\"message\":\"" + message.replace('"', '\'') + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
