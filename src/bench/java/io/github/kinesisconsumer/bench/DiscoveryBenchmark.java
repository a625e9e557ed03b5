package io.github.kinesisconsumer.bench;

import io.github.kinesisconsumer.testing.FastKinesisServer;
import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.Credentials;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.KinesisSource;
import io.github.kinesisconsumer.source.enumerator.KinesisEnumeratorState;
import io.github.kinesisconsumer.source.split.ShardSplit;

import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.connector.testutils.source.reader.TestingSplitEnumeratorContext;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Shard discovery of a large stream: the time for {@link KinesisSource}'s enumerator to list a
 * {@code --shards=10000} stream on {@link FastKinesisServer} (ListShards pages of 1,000) and assign
 * every shard to 2 registered readers, the heap the enumerator retains afterwards (live heap after
 * a full GC, minus before; includes the 10,000 assigned splits held by the test context), and the
 * time of each later, incremental discovery.
 *
 * <p>The enumerator runs in Flink's {@link TestingSplitEnumeratorContext}, so its asynchronous
 * calls run on this thread when triggered: the times are the enumerator's own work plus the
 * ListShards round trips, without a Flink cluster.
 */
public final class DiscoveryBenchmark {

    public static void main(String[] args) throws Exception {
        int shards = 10_000;
        for (String a : args) {
            if (a.startsWith("--shards=")) {
                shards = Integer.parseInt(a.substring("--shards=".length()));
            }
        }
        System.setProperty("aws.cborEnabled", "false");
        try (FastKinesisServer server = FastKinesisServer.start(shards, 0, 0, 2)) {
            ClientSettings settings =
                    ClientSettings.builder()
                            .region("us-east-1")
                            .endpoint(server.endpoint())
                            .credentials(Credentials.basic("local", "local"))
                            .cborEnabled(false)
                            .build();
            // Warm-up on a small stream is not possible with one server; run a first discovery
            // of the same stream in a throw-away enumerator instead.
            run(server, settings, shards, true);
            run(server, settings, shards, false);
        }
        System.exit(0);
    }

    private static void run(
            FastKinesisServer server, ClientSettings settings, int shards, boolean warmup)
            throws Exception {
        KinesisSource<byte[]> source =
                KinesisSource.<byte[]>builder()
                        .streamName(FastKinesisServer.STREAM)
                        .appName("bench-discovery")
                        .clientSettings(settings)
                        .startingPosition(StartingPosition.trimHorizon())
                        .deserializer(new ThroughputBenchmark.OurBytes())
                        .build();
        System.gc();
        long before = usedAfterGc();
        long listCallsBefore = server.listShardsCalls();
        TestingSplitEnumeratorContext<ShardSplit> ctx = new TestingSplitEnumeratorContext<>(2);
        ctx.registerReader(0, "localhost");
        ctx.registerReader(1, "localhost");
        long t0 = System.nanoTime();
        SplitEnumerator<ShardSplit, KinesisEnumeratorState> enumerator =
                source.createEnumerator(ctx);
        enumerator.start();
        enumerator.addReader(0);
        enumerator.addReader(1);
        int assigned = 0;
        while (assigned < shards && System.nanoTime() - t0 < 120_000_000_000L) {
            ctx.getExecutorService().triggerPeriodicScheduledTasks();
            ctx.getExecutorService().triggerAll();
            assigned = countAssigned(ctx);
        }
        long firstNanos = System.nanoTime() - t0;
        long listCalls = server.listShardsCalls() - listCallsBefore;
        System.gc();
        long retained = usedAfterGc() - before;
        long[] later = new long[3];
        for (int i = 0; i < later.length; i++) {
            long t = System.nanoTime();
            ctx.getExecutorService().triggerPeriodicScheduledTasks();
            ctx.getExecutorService().triggerAll();
            later[i] = System.nanoTime() - t;
        }
        int stateBytes =
                source.getEnumeratorCheckpointSerializer()
                        .serialize(enumerator.snapshotState(1))
                        .length;
        enumerator.close();
        if (warmup) {
            System.out.printf(
                    "warm-up discovery: %d shards in %d ms%n", assigned, firstNanos / 1_000_000);
            return;
        }
        System.out.printf(
                "Discovery of %d shards: %d assigned to 2 readers in %.0f ms (%d ListShards calls);"
                        + " enumerator heap retained %.1f MB; state %d bytes; later incremental"
                        + " discoveries %.1f / %.1f / %.1f ms%n",
                shards,
                assigned,
                firstNanos / 1e6,
                listCalls,
                retained / 1e6,
                stateBytes,
                later[0] / 1e6,
                later[1] / 1e6,
                later[2] / 1e6);
        String k = "s" + shards;
        System.out.printf(Locale.ROOT, "RESULT discovery_time.%s %.0f ms%n", k, firstNanos / 1e6);
        System.out.printf(Locale.ROOT, "RESULT discovery_heap.%s %.1f MB%n", k, retained / 1e6);
        System.out.printf(Locale.ROOT, "RESULT discovery_state.%s %d bytes%n", k, stateBytes);
        for (int i = 0; i < later.length; i++) {
            System.out.printf(
                    Locale.ROOT,
                    "RESULT discovery_incremental_%d.%s %.1f ms%n",
                    i + 1,
                    k,
                    later[i] / 1e6);
        }
        if (ctx != null && assigned < shards) {
            System.out.println("NOT ALL SHARDS ASSIGNED: " + assigned);
        }
    }

    private static int countAssigned(TestingSplitEnumeratorContext<ShardSplit> ctx) {
        int n = 0;
        for (TestingSplitEnumeratorContext.SplitAssignmentState<ShardSplit> s :
                ctx.getSplitAssignments().values()) {
            n += s.getAssignedSplits().size();
        }
        return n;
    }

    private static long usedAfterGc() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private DiscoveryBenchmark() {}
}
