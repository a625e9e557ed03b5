package io.github.kinesisconsumer.bench;

import io.github.kinesisconsumer.testing.FastFanOutServer;
import io.github.kinesisconsumer.testing.FastKinesisServer;
import io.github.kinesisconsumer.consumer.KinesisConsumer;
import io.github.kinesisconsumer.consumer.ScanResult;
import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.Credentials;
import io.github.kinesisconsumer.kinesis.KinesisRecord;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.wire.GetRecordsDecoding;
import io.github.kinesisconsumer.source.KinesisSource;
import io.github.kinesisconsumer.source.KinesisSourceOptions;
import io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema;
import io.github.kinesisconsumer.store.jdbc.PostgresCheckpointStore;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.util.Collector;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Throughput, CPU and heap of Kinesis readers, side by side in one run over the same data: a raw
 * AWS SDK v2 GetRecords loop (one thread per shard, the ceiling of a polling reader), this
 * library's {@link KinesisSource} in a local Flink job with a discarding sink, the legacy {@code
 * FlinkKinesisConsumer} (when on the classpath: {@code -Pbench}) in the same job shape, and the
 * standalone {@link KinesisConsumer#scan}.
 *
 * <p>Data is served by {@link FastKinesisServer} (pre-encoded pages, so the stand-in costs little
 * CPU), and for enhanced fan-out by {@link FastFanOutServer} on the same data (SubscribeToShard
 * over HTTP/2 with event-stream framing, 1,000 records per event), or with {@code
 * --kinesalite=http://127.0.0.1:4567} by a real emulator the benchmark fills first.
 *
 * <p>Run with {@code scripts/bench.sh throughput [options]}. Options: {@code --shards=1,4,16,64}
 * {@code --sizes=100,1024} {@code --parallelism=1,2} {@code --records=1000000} (total per run;
 * 300,000 for 1 KB records unless given) {@code --readers=raw,source,legacy,scan} (also {@code
 * raw-paced}, {@code source-unpaced}, {@code legacy-unpaced}; {@code source-sdkparse} and {@code
 * source-unpaced-sdkparse}: the source with the SDK decoding GetRecords answers instead of the
 * library; {@code raw-efo}: one SDK subscription per shard, {@code source-efo} and {@code
 * source-efo-sdkparse}: the source reading by enhanced fan-out). "x raw" compares a reader with
 * the raw loop of the same kind and pacing: paced readers with {@code raw-paced} when it ran,
 * fan-out readers with {@code raw-efo}; "x legacy" with the legacy connector of the same pacing.
 * {@code --rounds=N} (every cell N times, interleaved) {@code --full} (the whole matrix) {@code
 * --kinesalite=URL} {@code --separate-stand-in} (the stand-in in a JVM of its own; its CPU
 * reported apart) {@code --live-heap} (a full collection every second, printing the live heap
 * against records read: for the backlog memory run, not for throughput).
 *
 * <p>Figures are taken between the first and the last record reaching the sink (job start-up is
 * reported apart as "first ms"). CPU is the process CPU in that window minus the stand-in's own
 * threads; heap is the peak sampled heap in use during the window minus the heap in use before the
 * run (after a GC), so it includes garbage not yet collected: an upper bound.
 */
public final class ThroughputBenchmark {

    /** 5 calls per second per shard: Kinesis's GetRecords limit. */
    static final long PACED_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /** Calls per second per shard that no reader reaches: pacing off. */
    static final double UNPACED_CALLS = 100_000.0;

    /**
     * Records per SubscribeToShard event from the stand-in (about 170 KB of JSON at 100 B): Kinesis
     * sends a shard's backlog in events of up to a few hundred KB.
     */
    static final int FAN_OUT_EVENT_RECORDS = 1000;

    static final String LEGACY_CLASS =
            "org.apache.flink.streaming.connectors.kinesis.FlinkKinesisConsumer";

    // ---------------------------------------------------------------- measurement (static: the
    // Flink sink runs in this JVM's MiniCluster)

    /** The run in progress; the sink counts into it. */
    static volatile Meter meter;

    /**
     * With {@code --live-heap}: a full collection every second during each run and the heap in use
     * after it recorded against the records read so far — the live set, at the cost of throughput.
     */
    static boolean liveHeapSeries;

    static final class Meter {
        final long total;
        final LongSupplier serverCpu;
        final java.util.concurrent.atomic.LongAdder count =
                new java.util.concurrent.atomic.LongAdder();
        volatile boolean started;
        final CountDownLatch done = new CountDownLatch(1);
        final long startNanos = System.nanoTime();
        volatile long firstNanos;
        volatile long firstCpu;
        volatile long firstServerCpu;
        volatile long lastNanos;
        volatile long lastCpu;
        volatile long lastServerCpu;
        volatile long peakHeap;

        /** Peak of the heap in use right after a collection (live data), minus the baseline. */
        volatile long peakLive;

        /** The most live threads of the JVM during the run (stand-in's handlers included). */
        volatile int peakThreads;

        /** A separate stand-in JVM's CPU when the run began. */
        long standInCpuStart;

        volatile boolean sampling = true;

        /** With {@link #liveHeapSeries}: (records read, live bytes above the baseline) pairs. */
        final List<long[]> liveSeries = new java.util.concurrent.CopyOnWriteArrayList<>();

        Meter(long total, LongSupplier serverCpu) {
            this.total = total;
            this.serverCpu = serverCpu;
            Thread watcher = new Thread(this::watch, "bench-meter-watch");
            watcher.setDaemon(true);
            watcher.start();
        }

        /**
         * Counts {@code n} records. Sink threads only add to a striped counter (a shared atomic
         * made the sinks of a p=2 job contend for one cache line per record); a watcher notices
         * the last record within a millisecond.
         */
        void add(long n) {
            count.add(n);
            if (!started && markStarted()) {
                firstNanos = System.nanoTime();
                firstCpu = processCpu();
                firstServerCpu = serverCpu.getAsLong();
                // wall clock, to place the first record among the readers' log lines
                System.err.println("first record at " + java.time.LocalTime.now());
            }
        }

        private synchronized boolean markStarted() {
            if (started) {
                return false;
            }
            started = true;
            return true;
        }

        private void watch() {
            while (count.sum() < total) {
                if (!sampling) {
                    return;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
            }
            lastNanos = System.nanoTime();
            lastCpu = processCpu();
            lastServerCpu = serverCpu.getAsLong();
            done.countDown();
        }
    }

    /** Heap in use after the most recent collection of any collector (live set estimate). */
    static long liveAfterLastGc() {
        long best = 0;
        long bestEnd = -1;
        for (java.lang.management.GarbageCollectorMXBean gc :
                ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!(gc instanceof com.sun.management.GarbageCollectorMXBean)) {
                continue;
            }
            com.sun.management.GcInfo info =
                    ((com.sun.management.GarbageCollectorMXBean) gc).getLastGcInfo();
            if (info == null || info.getEndTime() <= bestEnd) {
                continue;
            }
            long sum = 0;
            for (java.lang.management.MemoryUsage u : info.getMemoryUsageAfterGc().values()) {
                sum += u.getUsed();
            }
            bestEnd = info.getEndTime();
            best = sum;
        }
        return best;
    }

    static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Discarding sink that counts, chained to the source. */
    static final class CountingSink<T> implements SinkFunction<T> {
        private static final long serialVersionUID = 1L;

        @Override
        public void invoke(T value, Context context) {
            meter.add(1);
        }
    }

    /** Our source's deserializer: the payload bytes, no copy. */
    static final class OurBytes implements KinesisDeserializationSchema<byte[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(KinesisRecord record, Collector<byte[]> out) {
            out.collect(record.data());
        }

        @Override
        public TypeInformation<byte[]> getProducedType() {
            return PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;
        }
    }

    /** The legacy connector's deserializer: the payload bytes as given. */
    static final class LegacyBytes implements DeserializationSchema<byte[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] deserialize(byte[] message) {
            return message;
        }

        @Override
        public boolean isEndOfStream(byte[] nextElement) {
            return false;
        }

        @Override
        public TypeInformation<byte[]> getProducedType() {
            return PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;
        }
    }

    // ---------------------------------------------------------------- results

    static final class Result {
        String reader;
        int parallelism;
        int shards;
        int size;
        long records;
        double seconds;
        double firstMs;
        double cpuSeconds;
        double serverCpuSeconds;
        double heapMb;
        double liveMb;
        String note = "";

        double recordsPerSecond() {
            return records / seconds;
        }

        double mbPerSecond() {
            return records * (double) size / seconds / 1e6;
        }

        double cpuPerMillion() {
            return (cpuSeconds - serverCpuSeconds) / (records / 1e6);
        }

        String key() {
            return reader
                    + (parallelism > 0 ? ".p" + parallelism : "")
                    + ".s"
                    + shards
                    + ".b"
                    + size;
        }
    }

    // ---------------------------------------------------------------- main

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (String a : args) {
            String s = a.startsWith("--") ? a.substring(2) : a;
            int eq = s.indexOf('=');
            opts.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "true" : s.substring(eq + 1));
        }
        boolean full = opts.containsKey("full");
        liveHeapSeries = opts.containsKey("live-heap");
        boolean separateStandIn = opts.containsKey("separate-stand-in");
        String kinesalite = opts.get("kinesalite");
        int[] shardCounts = ints(opts.getOrDefault("shards", full ? "1,4,16,64" : "4,16,64"));
        int[] sizes = ints(opts.getOrDefault("sizes", full ? "100,1024" : "100"));
        int[] parallelisms = ints(opts.getOrDefault("parallelism", "1,2"));
        long totalRecords = Long.parseLong(opts.getOrDefault("records", "1000000"));
        List<String> readers =
                Arrays.asList(opts.getOrDefault("readers", "raw,source,legacy,scan").split(","));
        boolean legacyAvailable = classExists(LEGACY_CLASS);
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "1"));

        // CBOR off for every client in this JVM: the SDK v2 switch (raw loop; our client sets
        // it itself with cborEnabled(false)) and the legacy connector's shaded SDK v1 switch.
        System.setProperty("aws.cborEnabled", "false");
        System.setProperty("org.apache.flink.kinesis.shaded.com.amazonaws.sdk.disableCbor", "true");

        System.out.printf(
                "Throughput benchmark on %s: %d cores, max heap %d MB, %s %s%n",
                kinesalite != null
                        ? "kinesalite " + kinesalite
                        : separateStandIn ? "a stand-in JVM of its own" : "the in-process stand-in",
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"));
        if (!legacyAvailable && readers.contains("legacy")) {
            System.out.println(
                    "legacy connector not on the classpath (build with -Pbench): skipped");
        }

        if (!opts.containsKey("no-warmup") && kinesalite == null) {
            // JIT, class loading and the first MiniCluster start would otherwise fall on
            // whichever reader runs first.
            System.out.println("warm-up (not reported):");
            try (Target warm = Target.fast(4, 50_000, 100)) {
                runRaw(warm, false);
                runFlink(warm, "source", 1);
                if (readers.contains("raw-efo") || readers.contains("source-efo")) {
                    runRawFanOut(warm);
                    runFlink(warm, "source-efo", 1);
                }
                if (legacyAvailable && readers.contains("legacy")) {
                    runFlink(warm, "legacy", 1);
                }
                runScan(warm);
            }
        }
        System.out.println("measured:");
        List<Result> results = new ArrayList<>();
        for (int size : sizes) {
            for (int shards : shardCounts) {
                int perShard = (int) Math.max(1, totalRecords / shards);
                // 1 KB records: fewer of them, same bytes order of magnitude per run.
                if (size >= 1000 && !opts.containsKey("records")) {
                    perShard = (int) Math.max(1, 300_000L / shards);
                }
                Target target =
                        kinesalite != null
                                ? Target.kinesalite(kinesalite, shards, perShard, size)
                                : separateStandIn
                                        ? Target.separate(shards, perShard, size)
                                        : Target.fast(shards, perShard, size);
                try {
                    for (int round = 0; round < rounds; round++) {
                        if (readers.contains("raw")) {
                            results.add(runRaw(target, false));
                        }
                        if (readers.contains("raw-paced")) {
                            results.add(runRaw(target, true));
                        }
                        if (readers.contains("raw-efo")) {
                            results.add(runRawFanOut(target));
                        }
                        for (int p : parallelisms) {
                            for (String reader : FLINK_READERS) {
                                if (readers.contains(reader)
                                        && (legacyAvailable || !reader.startsWith("legacy"))) {
                                    results.add(runFlink(target, reader, p));
                                }
                            }
                        }
                        if (readers.contains("scan")) {
                            results.add(runScan(target));
                        }
                    }
                } finally {
                    target.close();
                }
            }
        }
        print(results);
        System.exit(0);
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static boolean classExists(String name) {
        try {
            Class.forName(name, false, ThroughputBenchmark.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- data source

    /** Where the data is: the stand-in (built per cell) or kinesalite (filled per cell). */
    static final class Target implements AutoCloseable {
        final String endpoint;
        final String stream;
        final int shards;
        final int perShard;
        final int size;
        final FastKinesisServer server;
        Process standIn;
        /** Where SubscribeToShard is served ({@link FastFanOutServer}), or null. */
        String fanOutEndpoint;
        FastFanOutServer fanOut;

        private Target(
                String endpoint,
                String stream,
                int shards,
                int perShard,
                int size,
                FastKinesisServer server) {
            this.endpoint = endpoint;
            this.stream = stream;
            this.shards = shards;
            this.perShard = perShard;
            this.size = size;
            this.server = server;
        }

        static Target fast(int shards, int perShard, int size) throws Exception {
            FastKinesisServer server = FastKinesisServer.start(shards, perShard, size, 4);
            Target t =
                    new Target(
                            server.endpoint(),
                            FastKinesisServer.STREAM,
                            shards,
                            perShard,
                            size,
                            server);
            t.fanOut = FastFanOutServer.start(server, FAN_OUT_EVENT_RECORDS);
            t.fanOutEndpoint = t.fanOut.endpoint();
            return t;
        }

        /** The stand-in in a JVM of its own: its data and CPU stay out of the reader's JVM. */
        static Target separate(int shards, int perShard, int size) throws Exception {
            long bytes = (long) shards * perShard * (size * 4L / 3 + 160);
            Process p =
                    new ProcessBuilder(
                                    Path.of(System.getProperty("java.home"), "bin", "java")
                                            .toString(),
                                    "-Xmx" + Math.max(512, bytes * 2 / 1_000_000 + 256) + "m",
                                    "-XX:+UseParallelGC",
                                    "-cp",
                                    System.getProperty("java.class.path"),
                                    FastKinesisServer.class.getName(),
                                    "" + shards,
                                    "" + perShard,
                                    "" + size,
                                    "4")
                            .redirectError(ProcessBuilder.Redirect.INHERIT)
                            .start();
            java.io.BufferedReader out =
                    new java.io.BufferedReader(
                            new java.io.InputStreamReader(
                                    p.getInputStream(), StandardCharsets.US_ASCII));
            String line = out.readLine();
            String fanOutLine = out.readLine();
            if (line == null
                    || !line.startsWith("endpoint ")
                    || fanOutLine == null
                    || !fanOutLine.startsWith("fan-out ")) {
                p.destroyForcibly();
                throw new IllegalStateException("stand-in JVM did not start: " + line);
            }
            Target t =
                    new Target(
                            line.substring(9),
                            FastKinesisServer.STREAM,
                            shards,
                            perShard,
                            size,
                            null);
            t.standIn = p;
            t.fanOutEndpoint = fanOutLine.substring(8);
            return t;
        }

        /** CPU the separate stand-in JVM used so far, or 0 when it runs in this JVM. */
        long standInCpuNanos() {
            return standIn == null
                    ? 0L
                    : standIn.toHandle()
                            .info()
                            .totalCpuDuration()
                            .map(java.time.Duration::toNanos)
                            .orElse(0L);
        }

        /** Creates a stream on kinesalite and puts shards × perShard records into it. */
        static Target kinesalite(String endpoint, int shards, int perShard, int size)
                throws Exception {
            String stream = "bench-" + shards + "-" + size + "-" + System.nanoTime();
            try (KinesisClient c = syncClient(endpoint, 16)) {
                c.createStream(b -> b.streamName(stream).shardCount(shards));
                while (!"ACTIVE"
                        .equals(
                                c.describeStreamSummary(b -> b.streamName(stream))
                                        .streamDescriptionSummary()
                                        .streamStatusAsString())) {
                    Thread.sleep(100);
                }
                List<Shard> list = c.listShards(b -> b.streamName(stream)).shards();
                long start = System.nanoTime();
                byte[] payload = new byte[size];
                Arrays.fill(payload, (byte) 'x');
                SdkBytes data = SdkBytes.fromByteArray(payload);
                for (Shard shard : list) {
                    String hashKey = shard.hashKeyRange().startingHashKey();
                    for (int done = 0; done < perShard; ) {
                        int n = Math.min(500, perShard - done);
                        List<PutRecordsRequestEntry> entries = new ArrayList<>(n);
                        for (int i = 0; i < n; i++) {
                            entries.add(
                                    PutRecordsRequestEntry.builder()
                                            .partitionKey("k")
                                            .explicitHashKey(hashKey)
                                            .data(data)
                                            .build());
                        }
                        int failed =
                                c.putRecords(b -> b.streamName(stream).records(entries))
                                        .failedRecordCount();
                        done += n - failed;
                    }
                }
                System.out.printf(
                        "kinesalite: put %d records in %.1f s%n",
                        (long) shards * perShard, (System.nanoTime() - start) / 1e9);
            }
            return new Target(endpoint, stream, shards, perShard, size, null);
        }

        long total() {
            return (long) shards * perShard;
        }

        LongSupplier serverCpu() {
            if (server == null) {
                return () -> 0L;
            }
            return () -> server.serverCpuNanos() + fanOut.serverCpuNanos();
        }

        ClientSettings fanOutClientSettings() {
            return ClientSettings.builder()
                    .region("us-east-1")
                    .endpoint(fanOutEndpoint)
                    .credentials(Credentials.basic("local", "local"))
                    .cborEnabled(false)
                    .build();
        }

        ClientSettings clientSettings() {
            return ClientSettings.builder()
                    .region("us-east-1")
                    .endpoint(endpoint)
                    .credentials(Credentials.basic("local", "local"))
                    .cborEnabled(false)
                    .build();
        }

        @Override
        public void close() {
            if (standIn != null) {
                standIn.destroy();
            } else if (server != null) {
                fanOut.close();
                server.close();
            } else {
                try (KinesisClient c = syncClient(endpoint, 2)) {
                    c.deleteStream(b -> b.streamName(stream));
                } catch (ResourceNotFoundException ignored) {
                    // gone already
                }
            }
        }
    }

    static KinesisClient syncClient(String endpoint, int connections) {
        return KinesisClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create(endpoint))
                .credentialsProvider(
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(connections))
                .build();
    }

    // ---------------------------------------------------------------- runs

    private static Meter begin(Target target) {
        if (target.server != null) {
            target.server.resetCounters();
            target.fanOut.resetCounters();
        }
        System.gc();
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long baseline = mem.getHeapMemoryUsage().getUsed();
        Meter m = new Meter(target.total(), target.serverCpu());
        m.standInCpuStart = target.standInCpuNanos();
        Thread sampler =
                new Thread(
                        () -> {
                            long peak = 0;
                            long nextFullGc = System.nanoTime() + 1_000_000_000L;
                            while (m.sampling) {
                                if (liveHeapSeries
                                        && m.count.sum() > 0
                                        && System.nanoTime() >= nextFullGc) {
                                    System.gc();
                                    long live = mem.getHeapMemoryUsage().getUsed() - baseline;
                                    m.liveSeries.add(new long[] {m.count.sum(), live});
                                    m.peakLive = Math.max(m.peakLive, live);
                                    nextFullGc = System.nanoTime() + 1_000_000_000L;
                                }
                                peak = Math.max(peak, mem.getHeapMemoryUsage().getUsed());
                                m.peakThreads =
                                        Math.max(
                                                m.peakThreads,
                                                ManagementFactory.getThreadMXBean()
                                                        .getThreadCount());
                                m.peakHeap = peak - baseline;
                                if (!liveHeapSeries) {
                                    m.peakLive = Math.max(m.peakLive, liveAfterLastGc() - baseline);
                                }
                                try {
                                    Thread.sleep(10);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        meter = m;
        return m;
    }

    private static Result finish(Meter m, Target target, String reader, int p, String note) {
        m.sampling = false;
        Result r = new Result();
        r.reader = reader;
        r.parallelism = p;
        r.shards = target.shards;
        r.size = target.size;
        r.records = m.count.sum();
        r.seconds = (m.lastNanos - m.firstNanos) / 1e9;
        r.firstMs = (m.firstNanos - m.startNanos) / 1e6;
        r.cpuSeconds = (m.lastCpu - m.firstCpu) / 1e9;
        r.serverCpuSeconds = (m.lastServerCpu - m.firstServerCpu) / 1e9;
        r.heapMb = m.peakHeap / 1e6;
        r.liveMb = m.peakLive / 1e6;
        r.note = note;
        if (target.standIn != null && r.records > 0) {
            r.note +=
                    String.format(
                            Locale.ROOT,
                            " stand-in JVM cpu %.2f s/M",
                            (target.standInCpuNanos() - m.standInCpuStart) / 1e9 / (r.records / 1e6));
        }
        System.out.printf(
                "  %-11s p=%d shards=%-3d size=%-5d %,10.0f rec/s  %7.1f MB/s  first %6.0f ms  cpu"
                        + " %.2f s/M  heap %.0f MB live %.0f MB threads %d %s%n",
                reader,
                p,
                r.shards,
                r.size,
                r.recordsPerSecond(),
                r.mbPerSecond(),
                r.firstMs,
                r.cpuPerMillion(),
                r.heapMb,
                r.liveMb,
                m.peakThreads,
                r.note);
        if (!m.liveSeries.isEmpty()) {
            StringBuilder series =
                    new StringBuilder("    live heap after full GC (records read: MB):");
            for (long[] point : m.liveSeries) {
                series.append(
                        String.format(Locale.ROOT, " %.2fM:%.0f", point[0] / 1e6, point[1] / 1e6));
            }
            System.out.println(series);
        }
        return r;
    }

    private static void await(Meter m, String what) throws InterruptedException {
        long timeoutS = 60 + m.total / 5_000;
        if (!m.done.await(timeoutS, TimeUnit.SECONDS)) {
            throw new IllegalStateException(
                    what
                            + ": only "
                            + m.count.sum()
                            + " of "
                            + m.total
                            + " records after "
                            + timeoutS
                            + " s");
        }
    }

    /**
     * The ceiling: one thread per shard, sync client, GetRecords back to back ({@code paced}: at
     * most 5 calls per second per shard, the Kinesis limit and our source's default).
     */
    static Result runRaw(Target target, boolean paced) throws Exception {
        KinesisClient client = syncClient(target.endpoint, target.shards + 4);
        List<Shard> shards = listAll(client, target.stream);
        Meter m = begin(target);
        List<Thread> threads = new ArrayList<>();
        AtomicLong checksum = new AtomicLong();
        for (Shard shard : shards) {
            Thread t =
                    new Thread(
                            () -> {
                                String it =
                                        client.getShardIterator(
                                                        b ->
                                                                b.streamName(target.stream)
                                                                        .shardId(shard.shardId())
                                                                        .shardIteratorType(
                                                                                ShardIteratorType
                                                                                        .TRIM_HORIZON))
                                                .shardIterator();
                                long got = 0;
                                long sum = 0;
                                long nextCall = System.nanoTime();
                                while (got < target.perShard && it != null) {
                                    if (paced) {
                                        sleepUntil(nextCall);
                                        nextCall = System.nanoTime() + PACED_SPACING_NANOS;
                                    }
                                    String iterator = it;
                                    GetRecordsResponse resp =
                                            client.getRecords(
                                                    b -> b.shardIterator(iterator).limit(10_000));
                                    List<Record> records = resp.records();
                                    for (Record r : records) {
                                        sum += r.data().asByteArrayUnsafe().length;
                                    }
                                    got += records.size();
                                    if (!records.isEmpty()) {
                                        m.add(records.size());
                                    }
                                    it = resp.nextShardIterator();
                                }
                                checksum.addAndGet(sum);
                            },
                            "raw-" + shard.shardId());
            threads.add(t);
        }
        threads.forEach(Thread::start);
        await(m, "raw loop");
        for (Thread t : threads) {
            t.join();
        }
        client.close();
        return finish(
                m,
                target,
                paced ? "raw-paced" : "raw",
                shards.size(),
                "(threads=shards) "
                        + (target.server != null ? target.server.callsByOperation() : ""));
    }

    /** The enhanced fan-out ceiling: one SDK subscription per shard, on the stand-in's fan-out. */
    static Result runRawFanOut(Target target) throws Exception {
        List<Shard> shards;
        String streamArn;
        try (KinesisClient client = syncClient(target.endpoint, 2)) {
            shards = listAll(client, target.stream);
            streamArn =
                    client.describeStreamSummary(b -> b.streamName(target.stream))
                            .streamDescriptionSummary()
                            .streamARN();
        }
        Meter m = begin(target);
        try (RawFanOutLoop loop =
                new RawFanOutLoop(
                        target.fanOutEndpoint, streamArn, shards.size(), target.perShard, m)) {
            shards.forEach(s -> loop.read(s.shardId()));
            await(m, "raw fan-out loop");
        }
        String calls = target.fanOut != null ? target.fanOut.callsByOperation() : "";
        return finish(m, target, "raw-efo", shards.size(), calls);
    }

    private static void sleepUntil(long nanoTime) {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static List<Shard> listAll(KinesisClient client, String stream) {
        List<Shard> all = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            var resp =
                    client.listShards(
                            b -> {
                                if (t == null) {
                                    b.streamName(stream);
                                } else {
                                    b.nextToken(t);
                                }
                            });
            all.addAll(resp.shards());
            token = resp.nextToken();
        } while (token != null);
        return all;
    }

    /** Our source or the legacy consumer in a local Flink job with a counting, discarding sink. */
    @SuppressWarnings("unchecked")
    /** Flink readers in the order each round runs them; --readers picks among them. */
    private static final List<String> FLINK_READERS =
            List.of(
                    "source",
                    "source-sdkparse",
                    "source-unpaced",
                    "source-unpaced-sdkparse",
                    "source-ckpt",
                    "source-pg",
                    "source-efo",
                    "source-efo-sdkparse",
                    "legacy",
                    "legacy-unpaced");

    static Result runFlink(Target target, String reader, int parallelism) throws Exception {
        Configuration conf = new Configuration();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        // "-sdkparse": the same reader with the SDK decoding GetRecords answers (our decoder off)
        boolean sdkParse = reader.endsWith("-sdkparse");
        String kind = sdkParse ? reader.substring(0, reader.length() - 9) : reader;
        Meter m = begin(target);
        if (kind.startsWith("source")) {
            if (kind.equals("source-ckpt") || kind.equals("source-pg")) {
                env.enableCheckpointing(500);
            }
            var builder = KinesisSource.<byte[]>builder();
            builder.clientSettings(target.clientSettings());
            if (kind.equals("source-efo")) {
                builder.enhancedFanOut("bench-efo-" + System.nanoTime())
                        .clientSettings(target.fanOutClientSettings());
            }
            if (kind.equals("source-unpaced")) {
                builder.set(KinesisSourceOptions.GET_RECORDS_CALLS_PER_SECOND, UNPACED_CALLS);
            }
            if (kind.equals("source-pg")) {
                String url =
                        System.getenv()
                                .getOrDefault("KC_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
                builder.checkpointStore(
                        () ->
                                PostgresCheckpointStore.builder()
                                        .jdbcUrl(url)
                                        .user("postgres")
                                        .tableName("kc_bench_throughput")
                                        .createTable(true)
                                        .build());
            }
            env.fromSource(
                            builder.streamName(target.stream)
                                    // unique: a mirrored position must never be a start point
                                    .appName("bench-" + System.nanoTime())
                                    .startingPosition(StartingPosition.trimHorizon())
                                    .deserializer(new OurBytes())
                                    .set(
                                            KinesisSourceOptions.SHARD_DISCOVERY_INTERVAL,
                                            Duration.ofSeconds(10))
                                    .build(),
                            WatermarkStrategy.noWatermarks(),
                            "kinesis-source")
                    .addSink(new CountingSink<>());
        } else {
            Properties props = new Properties();
            props.setProperty("aws.region", "us-east-1");
            props.setProperty("aws.endpoint", target.endpoint);
            props.setProperty("aws.credentials.provider", "BASIC");
            props.setProperty("aws.credentials.provider.basic.accesskeyid", "local");
            props.setProperty("aws.credentials.provider.basic.secretkey", "local");
            props.setProperty("flink.stream.initpos", "TRIM_HORIZON");
            if (kind.equals("legacy-unpaced")) {
                props.setProperty("flink.shard.getrecords.intervalmillis", "0");
            }
            SourceFunction<byte[]> legacy =
                    (SourceFunction<byte[]>)
                            Class.forName(LEGACY_CLASS)
                                    .getConstructor(
                                            String.class,
                                            DeserializationSchema.class,
                                            Properties.class)
                                    .newInstance(target.stream, new LegacyBytes(), props);
            env.addSource(legacy, "legacy-kinesis")
                    .returns(PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
                    .addSink(new CountingSink<>());
        }
        if (sdkParse) {
            System.setProperty(GetRecordsDecoding.DISABLE_PROPERTY, "true");
        }
        JobClient job = env.executeAsync(reader + " p" + parallelism);
        try {
            await(m, reader);
        } finally {
            System.clearProperty(GetRecordsDecoding.DISABLE_PROPERTY);
            job.cancel().get(60, TimeUnit.SECONDS);
            try {
                job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
            } catch (Exception expected) {
                // cancelled
            }
        }
        String calls =
                target.server == null
                        ? ""
                        : kind.startsWith("source-efo")
                                ? target.fanOut.callsByOperation()
                                : target.server.callsByOperation();
        return finish(m, target, reader, parallelism, calls);
    }

    /** The standalone consumer's scan over all shards. */
    static Result runScan(Target target) throws Exception {
        Meter m = begin(target);
        KinesisConsumer consumer =
                KinesisConsumer.builder()
                        .streamName(target.stream)
                        .appName("bench-scan")
                        .clientSettings(target.clientSettings())
                        .startingPosition(StartingPosition.trimHorizon())
                        .build();
        Thread t =
                new Thread(
                        () -> {
                            try {
                                consumer.scan(
                                        r -> {
                                            meter.add(1);
                                            return ScanResult.CONTINUE;
                                        });
                            } catch (Exception e) {
                                e.printStackTrace();
                            }
                        },
                        "scan");
        t.start();
        try {
            await(m, "scan");
        } finally {
            consumer.close();
            t.join(30_000);
        }
        return finish(m, target, "scan", 0, "(callbackThreads default)");
    }

    // ---------------------------------------------------------------- report

    private static void print(List<Result> results) {
        System.out.println();
        System.out.printf(
                "%-14s %2s %6s %6s %9s %12s %8s %7s %8s %9s %8s %8s %8s%n",
                "reader",
                "p",
                "shards",
                "bytes",
                "records",
                "records/s",
                "MB/s",
                "x raw",
                "x legacy",
                "CPU s/M",
                "heap MB",
                "live MB",
                "first ms");
        List<String> lines = new ArrayList<>();
        for (Result r : results) {
            boolean unpaced = r.reader.endsWith("-unpaced");
            Result raw = find(results, "raw-paced", -1, r.shards, r.size);
            if (raw == null || unpaced || r.reader.equals("raw")) {
                raw = find(results, "raw", -1, r.shards, r.size);
            }
            if (r.reader.startsWith("source-efo")) {
                raw = find(results, "raw-efo", -1, r.shards, r.size);
            }
            Result legacy =
                    find(
                            results,
                            unpaced ? "legacy-unpaced" : "legacy",
                            r.parallelism,
                            r.shards,
                            r.size);
            double xRaw = raw != null ? r.recordsPerSecond() / raw.recordsPerSecond() : Double.NaN;
            double xLegacy =
                    legacy != null && r.reader.startsWith("source")
                            ? r.recordsPerSecond() / legacy.recordsPerSecond()
                            : Double.NaN;
            System.out.printf(
                    Locale.ROOT,
                    "%-14s %2s %6d %6d %9d %12.0f %8.1f %7s %8s %9.2f %8.0f %8.0f %8.0f%n",
                    r.reader,
                    r.parallelism > 0 && !r.reader.startsWith("raw") ? "" + r.parallelism : "-",
                    r.shards,
                    r.size,
                    r.records,
                    r.recordsPerSecond(),
                    r.mbPerSecond(),
                    Double.isNaN(xRaw) ? "-" : String.format(Locale.ROOT, "%.2f", xRaw),
                    Double.isNaN(xLegacy) ? "-" : String.format(Locale.ROOT, "%.2f", xLegacy),
                    r.cpuPerMillion(),
                    r.heapMb,
                    r.liveMb,
                    r.firstMs);
            String k =
                    r.reader.startsWith("raw") || r.reader.equals("scan")
                            ? r.reader + ".s" + r.shards + ".b" + r.size
                            : r.key();
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "RESULT throughput.%s %.0f records/s",
                            k,
                            r.recordsPerSecond()));
            lines.add(
                    String.format(
                            Locale.ROOT, "RESULT throughput_mb.%s %.2f MB/s", k, r.mbPerSecond()));
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "RESULT cpu_per_million.%s %.2f cpu-s",
                            k,
                            r.cpuPerMillion()));
            lines.add(String.format(Locale.ROOT, "RESULT peak_heap.%s %.0f MB", k, r.heapMb));
            lines.add(String.format(Locale.ROOT, "RESULT peak_live_heap.%s %.0f MB", k, r.liveMb));
            if (!Double.isNaN(xRaw) && !r.reader.equals("raw") && !r.reader.equals("raw-paced")) {
                lines.add(String.format(Locale.ROOT, "RESULT ratio_vs_raw.%s %.3f x", k, xRaw));
            }
            if (!Double.isNaN(xLegacy)) {
                lines.add(
                        String.format(Locale.ROOT, "RESULT ratio_vs_legacy.%s %.3f x", k, xLegacy));
            }
        }
        double ckpt = mean(results, "source-ckpt");
        double pg = mean(results, "source-pg");
        if (ckpt > 0 && pg > 0) {
            System.out.printf(
                    Locale.ROOT,
                    "mirror cost: mean %.0f records/s with PostgreSQL mirroring vs %.0f without"
                            + " (%.3f x)%n",
                    pg,
                    ckpt,
                    pg / ckpt);
            lines.add(String.format(Locale.ROOT, "RESULT mirror_ratio.postgres %.3f x", pg / ckpt));
        }
        System.out.println();
        lines.forEach(System.out::println);
    }

    private static double mean(List<Result> results, String reader) {
        return results.stream()
                .filter(r -> r.reader.equals(reader))
                .mapToDouble(Result::recordsPerSecond)
                .average()
                .orElse(0);
    }

    private static Result find(List<Result> results, String reader, int p, int shards, int size) {
        for (Result r : results) {
            if (r.reader.equals(reader)
                    && r.shards == shards
                    && r.size == size
                    && (p < 0 || r.parallelism == p)) {
                return r;
            }
        }
        return null;
    }

    private ThroughputBenchmark() {}
}
