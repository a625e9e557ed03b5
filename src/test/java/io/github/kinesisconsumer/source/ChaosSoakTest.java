package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.ScenarioJob.Outcome;
import io.github.kinesisconsumer.source.SoakSchedule.Kind;
import io.github.kinesisconsumer.store.CheckpointStoreFactory;
import io.github.kinesisconsumer.testing.Await;
import io.github.kinesisconsumer.testing.FaultProxy;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesaliteProcess;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.LocalPostgres;
import io.github.kinesisconsumer.testing.Restarts;
import io.github.kinesisconsumer.testing.StoreWatcher;
import io.github.kinesisconsumer.testing.TcpProxy;
import io.github.kinesisconsumer.testing.TestStream;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chaos soak (Maven profile {@code soak}, {@code scripts/soak.sh}; {@code .ci/run} runs 3 minutes):
 * a producer writes keyed records at a steady rate to a 4-shard kinesis-local stream while a
 * parallelism-2 job on a MiniCluster of 2 TaskManagers counts them per key in checkpointed state,
 * checks each key's order, and mirrors its positions to PostgreSQL. Meanwhile a {@link
 * SoakSchedule} from a printed seed splits and merges shards, throttles and fails Kinesis calls
 * through a {@link FaultProxy}, expires iterators, takes the store dark and kills TaskManagers. At
 * the end: nothing lost, nothing duplicated in state, every key in order, heap after GC and live
 * threads flat, no stored position ever went backwards, and the store holds the last record of
 * every shard, as Flink's last checkpoint does. JobManager kills need the HA cluster: {@link
 * ClusterChaosSoakTest}.
 */
@Tag("soak")
class ChaosSoakTest {

    private static final int KEYS = 100;

    /**
     * Not the retaining kind: metrics of a finished task attempt keep the attempt's objects
     * reachable (0.7 MB of heap per TaskManager kill in a job without Kinesis).
     */
    private static final InMemoryReporter REPORTER = InMemoryReporter.create();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.reportingTo(REPORTER, 2, 1);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    @Test
    void chaosAtSteadyLoad(@InjectMiniCluster MiniCluster cluster) throws Exception {
        int minutes = Integer.getInteger("soak.minutes", 30);
        int rate = Integer.getInteger("soak.rate", 100);
        long seed = Long.getLong("soak.seed", System.nanoTime() % 1_000_000);
        System.out.printf(
                "SOAK chaos: seed %d, %d min, %d records/s (replay: CHAOS_SEED=%d)%n",
                seed, minutes, rate, seed);
        ScenarioJob.reset();
        SequencedCount.reset();
        TestStream stream = KINESIS.createStream(4);
        String app = "chaos-soak-" + UUID.randomUUID();
        long start = System.nanoTime();
        try (FaultProxy kinesis = FaultProxy.start(KINESIS.emulator().endpoint());
                TcpProxy pg = new TcpProxy("127.0.0.1", LocalPostgres.port());
                StoreWatcher watcher =
                        StoreWatcher.start(
                                LocalPostgres.store(LocalPostgres.port(), "kc_soak"),
                                app,
                                stream.name(),
                                500)) {
            int port = pg.port();
            JobClient job =
                    startJob(stream, app, kinesis, () -> LocalPostgres.store(port, "kc_soak"));
            SteadyWriter writer =
                    new SteadyWriter(
                            stream,
                            rate,
                            i -> "k" + (i % KEYS),
                            i -> "c-" + i,
                            ScenarioJob.WRITTEN);
            writer.start();
            List<long[]> samples = new ArrayList<>();
            Thread sampler = sampler(samples, start);
            SoakSchedule schedule =
                    new SoakSchedule(
                            seed,
                            stream,
                            kinesis,
                            pg,
                            new MiniClusterKills(cluster),
                            EnumSet.complementOf(EnumSet.of(Kind.JOB_MANAGER_KILL)),
                            start);
            schedule.run(start + Duration.ofMinutes(minutes).toNanos());
            writer.stopAndJoin();
            schedule.clear();
            long written = writer.total.get();
            ScenarioJob.awaitCounted(written, Duration.ofMinutes(5));
            Map<String, String> last = new HashMap<>(writer.lastSequence);
            Await.until(
                    () -> last.equals(watcher.sequences(last.keySet())),
                    Duration.ofMinutes(2),
                    "the store to hold the last record of every shard");
            sampler.interrupt();
            sampler.join();
            long restarts = FlinkCluster.restarts(REPORTER, job.getJobID());
            Outcome outcome =
                    ScenarioJob.finish(job, new HashMap<>(writer.perKey), Duration.ofSeconds(10));
            printSummary(seed, minutes, outcome, schedule, kinesis, watcher, restarts, samples);
            assertThat(outcome.written).isEqualTo(written);
            assertThat(outcome.lost).as("lost").isZero();
            assertThat(outcome.duplicated).as("duplicated in state").isZero();
            assertThat(SequencedCount.VIOLATIONS.get())
                    .as("order violations %s", SequencedCount.EXAMPLES)
                    .isZero();
            assertThat(watcher.regressions()).as("stored positions that went back").isEmpty();
            assertThat(schedule.counts().values()).allMatch(n -> n > 0);
            if (samples.size() >= 3) {
                long[] second = samples.get(1);
                long[] lastSample = samples.get(samples.size() - 1);
                assertThat(lastSample[0])
                        .as("heap after GC")
                        .isLessThanOrEqualTo(second[0] * 3 / 2);
                assertThat(lastSample[1]).as("live threads").isLessThanOrEqualTo(second[1] * 3 / 2);
            }
        }
    }

    private static JobClient startJob(
            TestStream stream, String app, FaultProxy kinesis, CheckpointStoreFactory store)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(1_000);
        Restarts.fixedDelay(env, 1_000, 1_000);
        KinesisSource<Tuple2<String, String>> source =
                KinesisSource.<Tuple2<String, String>>builder()
                        .streamName(stream.name())
                        .appName(app)
                        .clientSettings(KinesaliteProcess.settingsFor(kinesis.endpoint()))
                        .checkpointStore(store)
                        .startingPosition(
                                StartingPosition.fromStore(StartingPosition.trimHorizon()))
                        .deserializer(new ScenarioJob.TallyingKeyAndPayload())
                        .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "kinesis")
                .uid("kinesis-source")
                .keyBy(t -> t.f0)
                .process(new SequencedCount(KEYS))
                .uid("count")
                .map(new KeyedCounts.LatestSink())
                .sinkTo(new DiscardingSink<>())
                .uid("sink");
        return env.executeAsync("chaos-soak");
    }

    /** TaskManager kills on the MiniCluster; its JobManager cannot be killed. */
    private static final class MiniClusterKills implements ChaosProcesses {
        private static final TerminatedTaskManagers TERMINATED = new TerminatedTaskManagers();
        private final MiniCluster cluster;
        private int killed;

        MiniClusterKills(MiniCluster cluster) {
            this.cluster = cluster;
        }

        @Override
        public String killTaskManager() throws Exception {
            cluster.terminateTaskManager(0).get(60, TimeUnit.SECONDS);
            cluster.startTaskManager();
            TERMINATED.forget(cluster);
            return "TaskManager " + killed++;
        }

        @Override
        public String killJobManager() {
            throw new UnsupportedOperationException("a MiniCluster has one JobManager");
        }
    }

    /** Samples {heap after a full GC, live threads} every minute. */
    private static Thread sampler(List<long[]> samples, long start) {
        Thread t =
                new Thread(
                        () -> {
                            for (int minute = 1; ; minute++) {
                                long due = start + Duration.ofMinutes(minute).toNanos();
                                try {
                                    Thread.sleep(
                                            Math.max(0, (due - System.nanoTime()) / 1_000_000));
                                } catch (InterruptedException e) {
                                    return;
                                }
                                System.gc();
                                long[] s = {
                                    ManagementFactory.getMemoryMXBean()
                                            .getHeapMemoryUsage()
                                            .getUsed(),
                                    ManagementFactory.getThreadMXBean().getThreadCount()
                                };
                                synchronized (samples) {
                                    samples.add(s);
                                }
                                System.out.printf(
                                        "SOAK minute %d: written=%d counted=%d heapAfterGcMB=%d"
                                                + " threads=%d%n",
                                        minute,
                                        ScenarioJob.WRITTEN.get(),
                                        KeyedCounts.total(),
                                        s[0] >> 20,
                                        s[1]);
                            }
                        },
                        "soak-sampler");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void printSummary(
            long seed,
            int minutes,
            Outcome outcome,
            SoakSchedule schedule,
            FaultProxy kinesis,
            StoreWatcher watcher,
            long restarts,
            List<long[]> samples) {
        StringBuilder heap = new StringBuilder();
        StringBuilder threads = new StringBuilder();
        synchronized (samples) {
            for (long[] s : samples) {
                heap.append(heap.length() == 0 ? "" : ", ").append(s[0] >> 20);
                threads.append(threads.length() == 0 ? "" : ", ").append(s[1]);
            }
        }
        new SoakSummary()
                .row("seed, minutes", seed + ", " + minutes)
                .row("written", outcome.written)
                .row("counted in state", outcome.read)
                .row("lost", outcome.lost)
                .row("duplicated in state", outcome.duplicated)
                .row("order violations", SequencedCount.VIOLATIONS.get())
                .row("job restarts", restarts)
                .chaos(schedule, kinesis, watcher)
                .row("heap after GC per minute (MB)", heap)
                .row("live threads per minute", threads)
                .print(schedule);
    }
}
