package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.source.SoakSchedule.Kind;
import io.github.kinesisconsumer.testing.Await;
import io.github.kinesisconsumer.testing.FaultProxy;
import io.github.kinesisconsumer.testing.FlinkClusterScript;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.LocalPostgres;
import io.github.kinesisconsumer.testing.StoreWatcher;
import io.github.kinesisconsumer.testing.TcpProxy;
import io.github.kinesisconsumer.testing.TestStream;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Chaos soak on a real high-availability cluster ({@code scripts/cluster-chaos.sh} starts it: two
 * JobManagers with ZooKeeper, two TaskManagers): the examples' CountJob (parallelism 2, counts and
 * order-number sums per customer in keyed state, order checked per customer, upserted into
 * PostgreSQL after each checkpoint) reads a 4-shard kinesis-local stream through a {@link
 * FaultProxy} and mirrors its positions to PostgreSQL through a {@link TcpProxy}, while a producer
 * writes keyed events at a steady rate and a seeded {@link SoakSchedule} splits and merges shards,
 * throttles and fails Kinesis calls, expires iterators, takes the store dark, kills TaskManagers
 * and kills the leading JobManager (the standby must lead and run the job again). At the end: each
 * customer's count and order-number sum exactly as written, nothing counted out of order, no stored
 * position ever went backwards, and the store holds the last record of every shard. The
 * backpressure kind of the MiniCluster soak ({@link ChaosSoakTest}) needs the job in this JVM and
 * is left out.
 */
@Tag("soak")
class ClusterChaosSoakTest {

    private static final int CUSTOMERS = 50;
    private static final String TABLE = "kc_cluster_chaos";
    private static final String RESULTS = "e2e_counts";

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    @Test
    void chaosWithJobManagerKills() throws Exception {
        String jar = System.getProperty("chaos.cluster.jar");
        assumeTrue(jar != null, "scripts/cluster-chaos.sh starts the cluster and sets the jar");
        int minutes = Integer.getInteger("soak.minutes", 30);
        int rate = Integer.getInteger("soak.rate", 100);
        long seed = Long.getLong("soak.seed", System.nanoTime() % 1_000_000);
        System.out.printf(
                "SOAK cluster chaos: seed %d, %d min, %d records/s (replay: CHAOS_SEED=%d)%n",
                seed, minutes, rate, seed);
        String flink = System.getProperty("chaos.flink.version", "1.20.3");
        FlinkClusterScript cluster =
                new FlinkClusterScript(
                        Path.of(System.getProperty("chaos.root", ".")).toAbsolutePath(), flink);
        TestStream stream = KINESIS.createStream(4);
        String app = "cluster-chaos-" + UUID.randomUUID().toString().substring(0, 8);
        long start = System.nanoTime();
        try (FaultProxy kinesis = FaultProxy.start(KINESIS.emulator().endpoint());
                TcpProxy pg = new TcpProxy("127.0.0.1", LocalPostgres.port());
                StoreWatcher watcher =
                        StoreWatcher.start(
                                LocalPostgres.store(LocalPostgres.port(), TABLE),
                                app,
                                stream.name(),
                                500)) {
            String job =
                    cluster.submit(
                            jar,
                            "io.github.kinesisconsumer.examples.CountJob",
                            2,
                            jobArgs(stream.name(), app, kinesis.endpoint(), pg.port()));
            Await.until(() -> cluster.running(job), Duration.ofSeconds(90), "the job to run");
            System.out.println("SOAK job " + job + " runs, stream " + stream.name());
            ClusterKills kills = new ClusterKills(cluster, job);
            SteadyWriter writer =
                    new SteadyWriter(
                            stream,
                            rate,
                            ClusterChaosSoakTest::customer,
                            ClusterChaosSoakTest::order,
                            new AtomicLong());
            writer.start();
            ClusterSampler sampler = ClusterSampler.start(cluster, job, start);
            SoakSchedule schedule =
                    new SoakSchedule(
                            seed,
                            stream,
                            kinesis,
                            pg,
                            kills,
                            EnumSet.complementOf(EnumSet.of(Kind.BACKPRESSURE_SPLIT)),
                            start);
            schedule.run(start + Duration.ofMinutes(minutes).toNanos());
            writer.stopAndJoin();
            schedule.clear();
            long written = writer.total.get();
            Await.until(
                    () -> counted(stream.name()) >= written,
                    Duration.ofMinutes(5),
                    "every record to be counted");
            Thread.sleep(3_000);
            Map<String, String> last = new HashMap<>(writer.lastSequence);
            Await.until(
                    () -> last.equals(watcher.sequences(last.keySet())),
                    Duration.ofMinutes(2),
                    "the store to hold the last record of every shard");
            sampler.finish();
            Map<String, long[]> results = results(stream.name());
            List<String> mismatches = mismatches(results, written);
            long counted = total(results, 0);
            long outOfOrder = total(results, 2);
            new SoakSummary()
                    .row("seed, minutes, Flink", seed + ", " + minutes + ", " + flink)
                    .row("written", written)
                    .row("counted in state (results table)", counted)
                    .row("customers with a wrong count or sum", mismatches.size())
                    .row("counted out of order", outOfOrder)
                    .row("job restarts (at least)", sampler.restarts())
                    .row("JobManager failovers (standby leads / job runs, s)", kills.failovers)
                    .chaos(schedule, kinesis, watcher)
                    .row("TaskManager heap used MB / threads per minute", sampler.samples())
                    .print(schedule);
            cluster.cancel(job);
            assertThat(mismatches).as("customers whose count or order-number sum is off").isEmpty();
            assertThat(counted).isEqualTo(written);
            assertThat(outOfOrder)
                    .as("events counted after a later one of their customer")
                    .isZero();
            assertThat(watcher.regressions()).as("stored positions that went back").isEmpty();
            assertThat(schedule.counts().values()).allMatch(n -> n > 0);
        }
    }

    private static List<String> jobArgs(String stream, String app, String kinesis, int pgPort) {
        return List.of(
                "--stream",
                stream,
                "--app",
                app,
                "--endpoint",
                kinesis,
                "--cbor",
                "false",
                "--store",
                "postgres",
                "--jdbc-url",
                "jdbc:postgresql://127.0.0.1:" + pgPort + "/test?connectTimeout=3&socketTimeout=3",
                "--table",
                TABLE,
                "--results-url",
                resultsUrl(),
                "--run",
                stream,
                "--checkpoint-interval",
                "1s",
                "--restart-attempts",
                "100000",
                "--check-order");
    }

    static String customer(long i) {
        return String.format(Locale.ROOT, "c%02d", i % CUSTOMERS);
    }

    /** Event number {@code i} in the examples' JSON form (CountJob reads it). */
    private static String order(long i) {
        return String.format(
                Locale.ROOT,
                "{\"orderId\":\"o-%d\",\"customer\":\"%s\",\"amount\":%d.5,\"ts\":%d}",
                i,
                customer(i),
                i % 100,
                System.currentTimeMillis());
    }

    private static String resultsUrl() {
        return "jdbc:postgresql://127.0.0.1:" + LocalPostgres.port() + "/test";
    }

    private static long counted(String run) {
        try {
            return total(results(run), 0);
        } catch (SQLException e) {
            return -1;
        }
    }

    /**
     * The run's rows of the results table: customer to {records, order-number sum, out of order}.
     */
    private static Map<String, long[]> results(String run) throws SQLException {
        Map<String, long[]> rows = new HashMap<>();
        try (Connection c = DriverManager.getConnection(resultsUrl(), "postgres", null);
                PreparedStatement s =
                        c.prepareStatement(
                                "SELECT customer, records, id_sum, out_of_order FROM "
                                        + RESULTS
                                        + " WHERE run = ?")) {
            s.setString(1, run);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.put(r.getString(1), new long[] {r.getLong(2), r.getLong(3), r.getLong(4)});
                }
            }
        }
        return rows;
    }

    private static long total(Map<String, long[]> results, int column) {
        return results.values().stream().mapToLong(v -> v[column]).sum();
    }

    /** One line per customer whose count or order-number sum differs from what was written. */
    private static List<String> mismatches(Map<String, long[]> actual, long written) {
        long[] records = new long[CUSTOMERS];
        long[] idSums = new long[CUSTOMERS];
        for (long i = 0; i < written; i++) {
            records[(int) (i % CUSTOMERS)]++;
            idSums[(int) (i % CUSTOMERS)] += i;
        }
        List<String> out = new ArrayList<>();
        for (int k = 0; k < CUSTOMERS; k++) {
            long[] a = actual.getOrDefault(customer(k), new long[3]);
            if (a[0] != records[k] || a[1] != idSums[k]) {
                out.add(
                        String.format(
                                "%s: written %d (sum %d), counted %d (sum %d)",
                                customer(k), records[k], idSums[k], a[0], a[1]));
            }
        }
        return out;
    }

    /** Kills by {@code scripts/flink-cluster.sh}: TaskManagers in turn, the leading JobManager. */
    private static final class ClusterKills implements ChaosProcesses {
        private final FlinkClusterScript cluster;
        private final String job;
        private int taskManagerKills;
        final List<String> failovers = new ArrayList<>();

        ClusterKills(FlinkClusterScript cluster, String job) {
            this.cluster = cluster;
            this.job = job;
        }

        @Override
        public String killTaskManager() throws Exception {
            String tm = Integer.toString(1 + taskManagerKills++ % 2);
            cluster.run("kill-taskmanager", tm);
            Thread.sleep(2_000);
            cluster.run("start-taskmanager", tm);
            return "taskmanager-" + tm + " (kill -9, started again 2 s later)";
        }

        /** The test of the test ({@code CHAOS_SABOTAGE=ha-storage}): the standby finds no job. */
        private void emptyHaStorage() throws Exception {
            Path ha = Path.of(cluster.run("lib")).getParent().resolve("ha");
            try (Stream<Path> files = Files.walk(ha)) {
                files.sorted(Comparator.reverseOrder())
                        .filter(f -> !f.equals(ha))
                        .forEach(f -> f.toFile().delete());
            }
            System.out.println("SOAK sabotage: emptied " + ha);
        }

        @Override
        public String killJobManager() throws Exception {
            int leader = cluster.leader();
            if (leader < 0) {
                Await.until(() -> cluster.leader() > 0, Duration.ofSeconds(60), "a leader");
                leader = cluster.leader();
            }
            int standby = 3 - leader;
            long killed = System.nanoTime();
            cluster.run("kill-jobmanager", Integer.toString(leader));
            if ("ha-storage".equals(System.getProperty("chaos.sabotage"))) {
                emptyHaStorage();
            }
            Await.until(
                    () -> cluster.leader() == standby,
                    Duration.ofSeconds(60),
                    "jobmanager-" + standby + " to lead");
            double leads = (System.nanoTime() - killed) / 1e9;
            cluster.run("start-jobmanager", Integer.toString(leader));
            Await.until(
                    () -> cluster.running(job),
                    Duration.ofSeconds(120),
                    "the job to run again after the JobManager kill");
            double runs = (System.nanoTime() - killed) / 1e9;
            String figures = String.format(Locale.ROOT, "%.1f/%.1f", leads, runs);
            synchronized (failovers) {
                failovers.add(figures);
            }
            return "jobmanager-"
                    + leader
                    + " (kill -9); jobmanager-"
                    + standby
                    + " leads / the job runs after "
                    + figures
                    + " s";
        }
    }

    /**
     * Every 5 s the job's restarts (a new leader counts from 0, so each leader's last figure is
     * added); every minute the TaskManagers' heap used and live threads.
     */
    private static final class ClusterSampler extends Thread {
        private final FlinkClusterScript cluster;
        private final String job;
        private final long start;
        private final StringBuilder samples = new StringBuilder();
        private volatile long restarts;
        private volatile boolean stopped;

        private ClusterSampler(FlinkClusterScript cluster, String job, long start) {
            super("cluster-sampler");
            setDaemon(true);
            this.cluster = cluster;
            this.job = job;
            this.start = start;
        }

        static ClusterSampler start(FlinkClusterScript cluster, String job, long start) {
            ClusterSampler s = new ClusterSampler(cluster, job, start);
            s.start();
            return s;
        }

        @Override
        public void run() {
            long earlier = 0;
            long current = 0;
            int minute = 1;
            try {
                while (!stopped) {
                    Thread.sleep(5_000);
                    JsonNode m = cluster.get("/jobs/" + job + "/metrics?get=numRestarts");
                    if (m != null && m.size() > 0) {
                        long n = m.get(0).path("value").asLong();
                        if (n < current) {
                            earlier += current;
                        }
                        current = n;
                        restarts = earlier + current;
                    }
                    if (System.nanoTime() - start >= Duration.ofMinutes(minute).toNanos()) {
                        String s = taskManagers();
                        synchronized (samples) {
                            samples.append(samples.length() == 0 ? "" : "; ").append(s);
                        }
                        System.out.println("SOAK minute " + minute++ + ": " + s);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private String taskManagers() {
            JsonNode tms = cluster.get("/taskmanagers");
            StringBuilder out = new StringBuilder();
            if (tms == null) {
                return "?";
            }
            for (JsonNode tm : tms.path("taskmanagers")) {
                String id = tm.path("id").asText();
                JsonNode m =
                        cluster.get(
                                "/taskmanagers/"
                                        + id
                                        + "/metrics?get=Status.JVM.Memory.Heap.Used,"
                                        + "Status.JVM.Threads.Count");
                Map<String, Long> v = new TreeMap<>();
                if (m != null) {
                    for (JsonNode e : m) {
                        v.put(e.path("id").asText(), e.path("value").asLong());
                    }
                }
                out.append(out.length() == 0 ? "" : " ")
                        .append(id)
                        .append(' ')
                        .append(v.getOrDefault("Status.JVM.Memory.Heap.Used", -1L) >> 20)
                        .append('/')
                        .append(v.getOrDefault("Status.JVM.Threads.Count", -1L));
            }
            return out.toString();
        }

        void finish() throws InterruptedException {
            stopped = true;
            interrupt();
            join();
        }

        long restarts() {
            return restarts;
        }

        String samples() {
            synchronized (samples) {
                return samples.toString();
            }
        }
    }
}
