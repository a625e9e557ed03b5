package io.github.kinesisconsumer.group;

import io.github.kinesisconsumer.group.ChaosEvent.Kind;
import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.testing.DynamoDbLocalProcess;
import io.github.kinesisconsumer.testing.Fault;
import io.github.kinesisconsumer.testing.FaultProxy;
import io.github.kinesisconsumer.testing.FaultRule;
import io.github.kinesisconsumer.testing.TestStream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A random but seeded chaos schedule: rounds of every {@link Kind} in a shuffled order, a few
 * seconds apart, until the deadline. Kills, freezes, DynamoDB restarts and reshards run one at a
 * time on the calling thread (a split splits the oldest open shard, a merge the first adjacent
 * pair); throttling and 5xx windows of the proxy overlap what follows. The same seed gives the same
 * kinds, targets, durations and gaps (the proxy's per-call coin flips are not seeded).
 */
final class ChaosSchedule {

    private final Random random;
    private final ChaosWorkers workers;
    private final DynamoDbLocalProcess dynamoDb;
    private final FaultProxy proxy;
    private final TestStream stream;
    private final long leaseMillis;
    final List<ChaosEvent> events = new CopyOnWriteArrayList<>();

    ChaosSchedule(
            long seed,
            ChaosWorkers workers,
            DynamoDbLocalProcess dynamoDb,
            FaultProxy proxy,
            TestStream stream,
            long leaseMillis) {
        this.random = new Random(seed);
        this.workers = workers;
        this.dynamoDb = dynamoDb;
        this.proxy = proxy;
        this.stream = stream;
        this.leaseMillis = leaseMillis;
    }

    /** Runs rounds until {@code deadlineMillis} (epoch ms); always at least one full round. */
    void run(long deadlineMillis) throws Exception {
        boolean firstRound = true;
        while (firstRound || System.currentTimeMillis() < deadlineMillis) {
            List<Kind> round = new ArrayList<>(Arrays.asList(Kind.values()));
            Collections.shuffle(round, random);
            for (Kind kind : round) {
                if (!firstRound && System.currentTimeMillis() >= deadlineMillis) {
                    return;
                }
                Thread.sleep(between(3_000, 6_000));
                workers.restartExited();
                run(kind);
            }
            firstRound = false;
        }
    }

    private void run(Kind kind) throws Exception {
        long now = System.currentTimeMillis();
        switch (kind) {
            case KILL:
                {
                    int i = pickRunningWorker();
                    String inc = workers.incarnation(i);
                    long down = between(1_000, 4_000);
                    workers.kill(i);
                    ChaosEvent e = record(kind, inc, now, "down " + down + " ms");
                    Thread.sleep(down);
                    workers.start(i);
                    e.end = System.currentTimeMillis();
                    break;
                }
            case FREEZE:
                {
                    int i = pickRunningWorker();
                    long frozen = leaseMillis + between(1_000, 4_000);
                    workers.freeze(i);
                    ChaosEvent e = record(kind, workers.incarnation(i), now, null);
                    Thread.sleep(frozen);
                    workers.thaw(i);
                    e.end = System.currentTimeMillis();
                    break;
                }
            case DYNAMODB_RESTART:
                {
                    long down = between(500, 3_000);
                    dynamoDb.kill();
                    ChaosEvent e = record(kind, null, now, null);
                    Thread.sleep(down);
                    dynamoDb.restart();
                    e.end = System.currentTimeMillis();
                    break;
                }
            case THROTTLE:
                {
                    long window = between(5_000, 15_000);
                    double p = 0.3 + 0.4 * random.nextDouble();
                    proxy.add(
                            FaultRule.on("GetRecords", Fault.THROTTLE)
                                    .probability(p)
                                    .lasting(Duration.ofMillis(window)));
                    record(kind, null, now, String.format("GetRecords p=%.2f", p)).end =
                            now + window;
                    break;
                }
            case SERVER_ERRORS:
                {
                    long window = between(5_000, 15_000);
                    double p = 0.2 + 0.3 * random.nextDouble();
                    Fault fault =
                            random.nextBoolean()
                                    ? Fault.INTERNAL_FAILURE
                                    : Fault.SERVICE_UNAVAILABLE;
                    proxy.add(
                            FaultRule.on(null, fault)
                                    .probability(p)
                                    .lasting(Duration.ofMillis(window)));
                    record(kind, null, now, String.format("%s p=%.2f", fault, p)).end =
                            now + window;
                    break;
                }
            case SPLIT:
                {
                    List<String> open = new ArrayList<>();
                    for (ShardInfo s : stream.shards()) {
                        if (!s.isClosed()) {
                            open.add(s.shardId());
                        }
                    }
                    // the oldest open shard, so that no shard lives (and fills) for the whole run:
                    // kinesis-local's puts slow down as a shard fills
                    String shard = Collections.min(open);
                    stream.split(shard);
                    record(kind, null, now, shard).end = System.currentTimeMillis();
                    break;
                }
            case MERGE:
                {
                    String[] pair = stream.adjacentOpenShards();
                    stream.merge(pair[0], pair[1]);
                    record(kind, null, now, pair[0] + "+" + pair[1]).end =
                            System.currentTimeMillis();
                    break;
                }
            default:
                throw new IllegalStateException(kind.toString());
        }
    }

    private ChaosEvent record(Kind kind, String target, long start, String detail) {
        ChaosEvent e = new ChaosEvent(kind, target, start, start, detail);
        events.add(e);
        System.out.printf(
                "CHAOS %tT %s%n",
                start,
                e.kind
                        + " "
                        + (target == null ? "" : target)
                        + (detail == null ? "" : " " + detail));
        return e;
    }

    private int pickRunningWorker() {
        List<Integer> running = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            if (workers.isAlive(i) && !workers.isFrozen(i)) {
                running.add(i);
            }
        }
        return running.get(random.nextInt(running.size()));
    }

    private long between(long min, long max) {
        return min + (long) (random.nextDouble() * (max - min));
    }

    long count(Kind kind) {
        return events.stream().filter(e -> e.kind == kind).count();
    }
}
