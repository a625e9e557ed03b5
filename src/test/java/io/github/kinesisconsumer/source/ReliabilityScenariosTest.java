package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.ScenarioJob.Outcome;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStoreFactory;
import io.github.kinesisconsumer.testing.Await;
import io.github.kinesisconsumer.testing.Fault;
import io.github.kinesisconsumer.testing.FaultProxy;
import io.github.kinesisconsumer.testing.FaultRule;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesaliteProcess;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.LocalPostgres;
import io.github.kinesisconsumer.testing.StoreWatcher;
import io.github.kinesisconsumer.testing.TcpProxy;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault scenarios of issue 9 on a MiniCluster (2 TaskManagers with one slot each, so every
 * TaskManager runs a subtask of the parallelism-2 job). Each scenario prints a {@code SCENARIO}
 * line and asserts that the keyed, checkpointed count of every key equals what was written: a lost
 * record lowers a count, a duplicate in state raises it.
 */
class ReliabilityScenariosTest {

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.reportingTo(REPORTER, 2, 1);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESALITE = KinesisEmulatorExtension.kinesalite();

    /** TaskManagers started so far; the live ones have the highest indices. */
    private static int taskManagersStarted = 2;

    private static int taskManagersKilled;

    @BeforeEach
    void reset() {
        ScenarioJob.reset();
    }

    @Test
    void scenario1ThrottlingOf30PercentForThirtySeconds() throws Exception {
        TestStream stream = KINESALITE.createStream(8);
        long start = System.nanoTime();
        try (FaultProxy proxy = FaultProxy.start(KINESALITE.emulator().endpoint())) {
            JobClient job =
                    ScenarioJob.start(
                            "s1",
                            KinesaliteProcess.settingsFor(proxy.endpoint()),
                            stream.name(),
                            b -> b);
            CompletableFuture<List<WrittenRecord>> writer =
                    ScenarioJob.writePaced(stream, "s1-", 200_000, 1_000, 2_500, 100);
            ScenarioJob.awaitCounted(5_000, Duration.ofSeconds(60));
            FaultRule throttle =
                    proxy.add(
                            FaultRule.on("GetRecords", Fault.THROTTLE)
                                    .probability(0.3)
                                    .lasting(Duration.ofSeconds(30)));
            long countedWhenArmed = KeyedCounts.total();
            List<WrittenRecord> written = writer.get(120, TimeUnit.SECONDS);
            long countedWhenWritten = KeyedCounts.total();
            while (throttle.isActive()) {
                Thread.sleep(100);
            }
            Outcome outcome =
                    ScenarioJob.finish(job, ScenarioJob.expected(written), Duration.ofSeconds(120));
            System.out.println(
                    outcome.line(
                            1,
                            "get-records-throttled-30%-for-30s",
                            proxy.summary()
                                    + " of "
                                    + throttle.seen()
                                    + " GetRecords in the 30 s; counted "
                                    + countedWhenArmed
                                    + " when armed, "
                                    + countedWhenWritten
                                    + " when all written",
                            millisSince(start)));
            assertThat(throttle.hits()).isGreaterThan(50);
            assertThat((double) throttle.hits() / throttle.seen()).isBetween(0.2, 0.4);
            assertNoLossNoDuplicates(outcome, 200_000);
        }
    }

    @Test
    void scenario2EmulatorKilledAndRestartedMidRun(@TempDir Path dir) throws Exception {
        long start = System.nanoTime();
        try (KinesaliteProcess kinesalite = KinesaliteProcess.start(dir.resolve("kinesalite"))) {
            TestStream stream = kinesalite.createStream("restart", 4);
            List<WrittenRecord> written =
                    new ArrayList<>(stream.put(60_000, i -> "k" + (i % 500), i -> "before-" + i));
            JobClient job =
                    ScenarioJob.start("s2", kinesalite.clientSettings(), stream.name(), b -> b);
            ScenarioJob.awaitCounted(20_000, Duration.ofSeconds(60));
            kinesalite.kill();
            long countedAtKill = KeyedCounts.total();
            Thread.sleep(5_000);
            long countedWhileDown = KeyedCounts.total();
            kinesalite.restart();
            int inStreamAfterRestart = countRecords(stream);
            written.addAll(stream.put(20_000, i -> "k" + (i % 500), i -> "after-" + i));
            Outcome outcome =
                    ScenarioJob.finish(job, ScenarioJob.expected(written), Duration.ofSeconds(120));
            System.out.println(
                    outcome.line(
                            2,
                            "kinesalite-killed-and-restarted",
                            "SIGKILL at "
                                    + countedAtKill
                                    + " counted, down 5 s ("
                                    + countedWhileDown
                                    + " counted while down), restarted on its LevelDB data: "
                                    + inStreamAfterRestart
                                    + " of 60000 records still in the stream",
                            millisSince(start)));
            assertThat(inStreamAfterRestart)
                    .as("records persisted over the restart")
                    .isEqualTo(60_000);
            assertThat(countedAtKill).isLessThan(60_000);
            assertNoLossNoDuplicates(outcome, 80_000);
        }
    }

    @Test
    void scenario3EveryIteratorExpiresOncePerShard() throws Exception {
        TestStream stream = KINESALITE.createStream(8);
        long start = System.nanoTime();
        try (FaultProxy proxy = FaultProxy.start(KINESALITE.emulator().endpoint())) {
            List<WrittenRecord> written =
                    new ArrayList<>(stream.put(40_000, i -> "k" + (i % 500), i -> "first-" + i));
            JobClient job =
                    ScenarioJob.start(
                            "s3",
                            KinesaliteProcess.settingsFor(proxy.endpoint()),
                            stream.name(),
                            b -> b);
            ScenarioJob.awaitCounted(40_000, Duration.ofSeconds(60));
            FaultRule expire =
                    proxy.add(FaultRule.on("GetRecords", Fault.EXPIRED_ITERATOR).oncePerShard());
            written.addAll(stream.put(40_000, i -> "k" + (i % 500), i -> "second-" + i));
            Outcome outcome =
                    ScenarioJob.finish(job, ScenarioJob.expected(written), Duration.ofSeconds(120));
            System.out.println(
                    outcome.line(
                            3,
                            "every-iterator-expires-once-per-shard",
                            proxy.summary() + " on shards " + expire.shardsHit(),
                            millisSince(start)));
            assertThat(expire.shardsHit()).containsExactlyInAnyOrderElementsOf(stream.shardIds());
            assertNoLossNoDuplicates(outcome, 80_000);
        }
    }

    @Test
    void scenario4ListShardsFailsForThreeDiscoveryRounds() throws Exception {
        TestStream stream = KINESALITE.createStream(4);
        long start = System.nanoTime();
        try (FaultProxy proxy = FaultProxy.start(KINESALITE.emulator().endpoint())) {
            List<String> parents = stream.shardIds();
            List<WrittenRecord> written =
                    new ArrayList<>(stream.put(4_000, i -> "k" + (i % 200), i -> "before-" + i));
            JobClient job =
                    ScenarioJob.start(
                            "s4",
                            KinesaliteProcess.settingsFor(proxy.endpoint()),
                            stream.name(),
                            b ->
                                    b.shardDiscoveryInterval(Duration.ofSeconds(2))
                                            .set(KinesisSourceOptions.LIST_SHARDS_ATTEMPTS, 2));
            ScenarioJob.awaitCounted(4_000, Duration.ofSeconds(60));
            // 2 attempts per round: 6 failed calls are 3 failed discovery rounds
            List<String> open = parents.subList(1, parents.size());
            List<Long> openEmittedAtFailures = new CopyOnWriteArrayList<>();
            FaultRule failing =
                    proxy.add(
                            FaultRule.on("ListShards", Fault.LIMIT_EXCEEDED)
                                    .times(6)
                                    .onHit(() -> openEmittedAtFailures.add(emitted(open))));
            String split = parents.get(0);
            stream.split(split);
            for (int batch = 0; failing.hits() < 6 || batch < 5; batch++) {
                int base = 4_000 + 200 * batch;
                written.addAll(
                        stream.put(200, i -> "k" + ((base + i) % 200), i -> "after-" + (base + i)));
                Thread.sleep(100);
            }
            Await.until(() -> failing.hits() == 6, Duration.ofSeconds(60), "3 failed rounds");
            Outcome outcome =
                    ScenarioJob.finish(job, ScenarioJob.expected(written), Duration.ofSeconds(60));
            long expectedTotal = written.size();
            List<String> children = childrenOf(stream, parents);
            long firstChildNanos = Long.MAX_VALUE;
            for (String child : children) {
                firstChildNanos =
                        Math.min(
                                firstChildNanos,
                                ScenarioJob.FIRST_EMIT_NANOS.getOrDefault(child, Long.MAX_VALUE));
            }
            long lastFailure = failing.lastHitNanos();
            System.out.println(
                    outcome.line(
                            4,
                            "list-shards-fails-3-discovery-rounds",
                            String.format(
                                    "%s = 3 rounds of 2 attempts; %s split meanwhile; open"
                                            + " shards emitted %d records between the first and"
                                            + " the last failure; children %s first read %.1f s"
                                            + " after it",
                                    proxy.summary(),
                                    split,
                                    openEmittedAtFailures.get(5) - openEmittedAtFailures.get(0),
                                    children,
                                    (firstChildNanos - lastFailure) / 1e9),
                            millisSince(start)));
            assertThat(openEmittedAtFailures.get(5))
                    .as("open shards read while ListShards failed")
                    .isGreaterThan(openEmittedAtFailures.get(0));
            assertThat(firstChildNanos)
                    .as("children read after discovery recovered")
                    .isGreaterThan(lastFailure)
                    .isLessThan(Long.MAX_VALUE);
            assertNoLossNoDuplicates(outcome, expectedTotal);
        }
    }

    @Test
    void scenario5StoreDarkForTwentySeconds() throws Exception {
        TestStream stream = KINESALITE.createStream(4);
        String app = "reliability-s5-" + UUID.randomUUID();
        long start = System.nanoTime();
        try (TcpProxy pg = new TcpProxy("127.0.0.1", LocalPostgres.port());
                StoreWatcher watcher =
                        StoreWatcher.start(
                                LocalPostgres.store(LocalPostgres.port(), "kc_reliability"),
                                app,
                                stream.name(),
                                200)) {
            int port = pg.port();
            CheckpointStoreFactory viaProxy = () -> LocalPostgres.store(port, "kc_reliability");
            JobClient job =
                    ScenarioJob.start(
                            "s5",
                            KINESALITE.clientSettings(),
                            stream.name(),
                            b ->
                                    b.appName(app)
                                            .checkpointStore(viaProxy)
                                            .startingPosition(
                                                    StartingPosition.fromStore(
                                                            StartingPosition.trimHorizon())));
            CompletableFuture<List<WrittenRecord>> writer =
                    ScenarioJob.writePaced(stream, "s5-", 40_000, 500, 500, 250);
            Await.until(
                    () -> !watcher.latest().isEmpty(), Duration.ofSeconds(60), "a first mirror");
            pg.goDark();
            long writtenAtDark = ScenarioJob.WRITTEN.get();
            long countedAtDark = KeyedCounts.total();
            long failuresAtDark = mirrorFailures(job);
            Thread.sleep(20_000);
            long countedAtRestore = KeyedCounts.total();
            long writtenWhileDark = ScenarioJob.WRITTEN.get() - writtenAtDark;
            long failures = mirrorFailures(job) - failuresAtDark;
            pg.restore();
            List<WrittenRecord> written = writer.get(120, TimeUnit.SECONDS);
            ScenarioJob.awaitCounted(written.size(), Duration.ofSeconds(60));
            Map<String, String> last = ScenarioJob.lastSequencePerShard(written);
            Await.until(
                    () -> last.equals(sequences(watcher.latest())),
                    Duration.ofSeconds(60),
                    "the store to hold the last record of every shard");
            long restarts = FlinkCluster.restarts(REPORTER, job.getJobID());
            Outcome outcome =
                    ScenarioJob.finish(job, ScenarioJob.expected(written), Duration.ofSeconds(10));
            System.out.println(
                    outcome.line(
                            5,
                            "flink-store-dark-20s",
                            String.format(
                                    "PostgreSQL dark 20 s behind TcpProxy: %d records written"
                                            + " and %d counted while dark, %d mirror failures"
                                            + " counted, %d job"
                                            + " restarts; store caught up; %d store reads, %d"
                                            + " regressions",
                                    writtenWhileDark,
                                    countedAtRestore - countedAtDark,
                                    failures,
                                    restarts,
                                    watcher.reads(),
                                    watcher.regressions().size()),
                            millisSince(start)));
            assertThat(countedAtRestore)
                    .as("the job read on while the store was dark")
                    .isGreaterThan(countedAtDark);
            assertThat(failures).isPositive();
            assertThat(restarts).isZero();
            assertThat(watcher.regressions()).isEmpty();
            assertNoLossNoDuplicates(outcome, 40_000);
        }
    }

    private static Map<String, String> sequences(Map<String, Checkpoint> stored) {
        Map<String, String> out = new HashMap<>();
        stored.forEach((shard, c) -> out.put(shard, c.sequenceNumber()));
        return out;
    }

    private static long mirrorFailures(JobClient job) {
        long sum = 0;
        for (Metric m : REPORTER.findMetrics(job.getJobID(), "mirrorFailures").values()) {
            sum += ((Counter) m).getCount();
        }
        return sum;
    }

    @Test
    void scenario6TaskManagerKilledThreeTimes(@InjectMiniCluster MiniCluster miniCluster)
            throws Exception {
        TestStream stream = KINESALITE.createStream(8);
        long start = System.nanoTime();
        JobClient job = ScenarioJob.start("s6", KINESALITE.clientSettings(), stream.name(), b -> b);
        CompletableFuture<List<WrittenRecord>> writer =
                ScenarioJob.writePaced(stream, "s6-", 150_000, 1_000, 2_500, 250);
        StringBuilder kills = new StringBuilder();
        long next = 15_000;
        for (int kill = 1; kill <= 3; kill++) {
            ScenarioJob.awaitCounted(next, Duration.ofSeconds(90));
            int index = taskManagersKilled++;
            miniCluster.terminateTaskManager(index).get(30, TimeUnit.SECONDS);
            long at = KeyedCounts.total();
            miniCluster.startTaskManager();
            taskManagersStarted++;
            kills.append(String.format("TM%d at %d; ", index, at));
            next = at + 25_000;
        }
        List<WrittenRecord> written = writer.get(120, TimeUnit.SECONDS);
        Outcome outcome =
                ScenarioJob.finish(job, ScenarioJob.expected(written), Duration.ofSeconds(120));
        long restarts = FlinkCluster.restarts(REPORTER, job.getJobID());
        System.out.println(
                outcome.line(
                        6,
                        "taskmanager-killed-3-times",
                        kills.toString()
                                + restarts
                                + " job restarts; JobManager failover not covered",
                        millisSince(start)));
        assertThat(restarts).isGreaterThanOrEqualTo(3);
        assertNoLossNoDuplicates(outcome, 150_000);
    }

    private static void assertNoLossNoDuplicates(Outcome outcome, long written) {
        assertThat(outcome.written).isEqualTo(written);
        assertThat(outcome.lost).as("lost").isZero();
        assertThat(outcome.duplicated).as("duplicated").isZero();
        assertThat(outcome.read).isEqualTo(written);
    }

    private static long emitted(List<String> shards) {
        long sum = 0;
        for (String s : shards) {
            var n = ScenarioJob.EMITTED_BY_SHARD.get(s);
            sum += n == null ? 0 : n.get();
        }
        return sum;
    }

    private static List<String> childrenOf(TestStream stream, List<String> parents) {
        List<String> ids = stream.shardIds();
        ids.removeAll(parents);
        return ids;
    }

    /** Records in the stream, read directly shard by shard. */
    private static int countRecords(TestStream stream) {
        int count = 0;
        for (String shard : stream.shardIds()) {
            String iterator =
                    stream.client()
                            .getShardIterator(
                                    r ->
                                            r.streamName(stream.name())
                                                    .shardId(shard)
                                                    .shardIteratorType(
                                                            ShardIteratorType.TRIM_HORIZON))
                            .join()
                            .shardIterator();
            while (true) {
                String it = iterator;
                GetRecordsResponse page =
                        stream.client().getRecords(r -> r.shardIterator(it)).join();
                if (page.records().isEmpty()) {
                    break;
                }
                count += page.records().size();
                iterator = page.nextShardIterator();
            }
        }
        return count;
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
