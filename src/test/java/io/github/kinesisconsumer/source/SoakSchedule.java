package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.testing.Fault;
import io.github.kinesisconsumer.testing.FaultProxy;
import io.github.kinesisconsumer.testing.FaultRule;
import io.github.kinesisconsumer.testing.TcpProxy;
import io.github.kinesisconsumer.testing.TestStream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The chaos soak's schedule, random but seeded: rounds of every chosen {@link Kind} in a shuffled
 * order, 3-8 s apart, until the deadline. Reshards, store outages, process kills and the start of a
 * backpressure window (every record held 15-25 s, a split 2 s in) run on the calling thread;
 * throttling, 5xx and expired-iterator windows of the proxy overlap what follows. The same seed
 * gives the same kinds, targets, durations and gaps (the proxy's per-call coin flips are not
 * seeded).
 */
final class SoakSchedule {

    /** What the schedule does. */
    enum Kind {
        SPLIT,
        MERGE,
        THROTTLE,
        SERVER_ERRORS,
        EXPIRED_ITERATORS,
        STORE_DARK,
        TASK_MANAGER_KILL,
        JOB_MANAGER_KILL,
        BACKPRESSURE_SPLIT
    }

    /** One thing done, at seconds since the start. */
    static final class Event {
        final double atSeconds;
        final Kind kind;
        final String detail;

        Event(double atSeconds, Kind kind, String detail) {
            this.atSeconds = atSeconds;
            this.kind = kind;
            this.detail = detail;
        }

        @Override
        public String toString() {
            return String.format("%7.1fs %-17s %s", atSeconds, kind, detail);
        }
    }

    private final Random random;
    private final TestStream stream;
    private final FaultProxy kinesis;
    private final TcpProxy store;
    private final ChaosProcesses processes;
    private final Set<Kind> kinds;
    private final long startNanos;

    final List<Event> events = new CopyOnWriteArrayList<>();

    SoakSchedule(
            long seed,
            TestStream stream,
            FaultProxy kinesis,
            TcpProxy store,
            ChaosProcesses processes,
            Set<Kind> kinds,
            long startNanos) {
        this.random = new Random(seed);
        this.stream = stream;
        this.kinesis = kinesis;
        this.store = store;
        this.processes = processes;
        this.kinds = kinds;
        this.startNanos = startNanos;
    }

    /** Runs rounds until {@code deadlineNanos} ({@link System#nanoTime()}). */
    void run(long deadlineNanos) throws Exception {
        List<Kind> round = new ArrayList<>(kinds);
        while (System.nanoTime() < deadlineNanos) {
            Collections.shuffle(round, random);
            for (Kind kind : round) {
                long gapMillis = 3_000 + random.nextInt(5_000);
                if (System.nanoTime() >= deadlineNanos) {
                    return;
                }
                apply(kind);
                Thread.sleep(gapMillis);
            }
        }
    }

    /** Ends every proxy fault and brings the store back. */
    void clear() throws Exception {
        kinesis.clearRules();
        store.restore();
    }

    Map<Kind, Integer> counts() {
        Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
        for (Kind k : kinds) {
            counts.put(k, 0);
        }
        for (Event e : events) {
            counts.merge(e.kind, 1, Integer::sum);
        }
        return counts;
    }

    private void apply(Kind kind) throws Exception {
        Duration window = Duration.ofMillis(5_000 + random.nextInt(10_000));
        double share = random.nextDouble();
        switch (kind) {
            case SPLIT:
                {
                    String shard = oldestOpenShard();
                    record(kind, shard);
                    stream.split(shard);
                    return;
                }
            case BACKPRESSURE_SPLIT:
                {
                    // held long enough for discovery (every 10 s) to find the children while the
                    // parent still has records no one has read
                    Duration held = window.plusSeconds(10);
                    SequencedCount.pauseFor(held);
                    Thread.sleep(2_000);
                    String shard = oldestOpenShard();
                    record(
                            kind,
                            "every record held " + seconds(held) + "; " + shard + " split 2 s in");
                    stream.split(shard);
                    return;
                }
            case MERGE:
                {
                    String[] pair = stream.adjacentOpenShards();
                    record(kind, pair[0] + " + " + pair[1]);
                    stream.merge(pair[0], pair[1]);
                    return;
                }
            case THROTTLE:
                {
                    double p = 0.3 + 0.4 * share;
                    kinesis.add(
                            FaultRule.on("GetRecords", Fault.THROTTLE)
                                    .probability(p)
                                    .lasting(window));
                    record(kind, percent(p) + " of GetRecords for " + seconds(window));
                    return;
                }
            case SERVER_ERRORS:
                {
                    double p = 0.2 + 0.3 * share;
                    Fault fault =
                            random.nextBoolean()
                                    ? Fault.INTERNAL_FAILURE
                                    : Fault.SERVICE_UNAVAILABLE;
                    kinesis.add(FaultRule.on(null, fault).probability(p).lasting(window));
                    record(kind, fault + " on " + percent(p) + " of calls for " + seconds(window));
                    return;
                }
            case EXPIRED_ITERATORS:
                kinesis.add(
                        FaultRule.on("GetRecords", Fault.EXPIRED_ITERATOR)
                                .oncePerShard()
                                .lasting(window));
                record(kind, "once per shard within " + seconds(window));
                return;
            case STORE_DARK:
                record(kind, "PostgreSQL dark for " + seconds(window));
                store.goDark();
                Thread.sleep(window.toMillis());
                store.restore();
                return;
            case TASK_MANAGER_KILL:
                {
                    long at = System.nanoTime();
                    record(kind, processes.killTaskManager(), at);
                    return;
                }
            case JOB_MANAGER_KILL:
                {
                    long at = System.nanoTime();
                    record(kind, processes.killJobManager(), at);
                    return;
                }
            default:
                throw new IllegalStateException(kind.toString());
        }
    }

    /** The oldest open shard: kinesis-local's puts slow down as a shard fills. */
    private String oldestOpenShard() {
        List<String> open = new ArrayList<>();
        for (ShardInfo s : stream.shards()) {
            if (!s.isClosed()) {
                open.add(s.shardId());
            }
        }
        return Collections.min(open);
    }

    private void record(Kind kind, String detail) {
        record(kind, detail, System.nanoTime());
    }

    private void record(Kind kind, String detail, long atNanos) {
        Event e = new Event((atNanos - startNanos) / 1e9, kind, detail);
        events.add(e);
        System.out.println("SOAK event " + e);
    }

    private static String percent(double p) {
        return Math.round(p * 100) + " %";
    }

    private static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }
}
