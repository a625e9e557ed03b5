package io.github.kinesisconsumer.group;

import io.github.kinesisconsumer.group.ChaosEvent.Kind;
import io.github.kinesisconsumer.testing.DynamoDbLocalProcess;
import io.github.kinesisconsumer.testing.FaultProxy;
import io.github.kinesisconsumer.testing.KinesisLocalProcess;
import io.github.kinesisconsumer.testing.Producer;
import io.github.kinesisconsumer.testing.TestStream;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Four group workers in their own JVMs on one lease table, under a seeded chaos schedule ({@link
 * ChaosSchedule}): kill -9 and restart, SIGSTOP past the lease period and SIGCONT, restarts of a
 * DynamoDB Local of the test's own, throttling and 5xx from Kinesis through a {@link FaultProxy}, a
 * split and a merge; a producer writes keyed records steadily meanwhile. Then: nothing lost, every
 * delivery inside the at-least-once window ({@link ChaosJournal}), first deliveries in per-key
 * order, and a thawed worker does not go on as owner of shards taken while it was frozen.
 *
 * <p>Short by default (one round of every kind, about 2 minutes); {@code -Dchaos.minutes=30} runs
 * longer, {@code -Dchaos.seed=N} replays a schedule ({@code scripts/group-chaos.sh}).
 */
class GroupChaosTest {

    private static final int WORKERS = 4;
    private static final int KEYS = 50;

    @Test
    void nothingLostAndDuplicatesOnlyInTheAtLeastOnceWindow() throws Exception {
        long seed = Long.getLong("chaos.seed", System.currentTimeMillis() % 1_000_000);
        Path dir =
                Files.createDirectories(
                                Path.of(
                                        "target",
                                        "group-chaos",
                                        seed + "-" + System.currentTimeMillis()))
                        .toAbsolutePath();
        double minutes = Double.parseDouble(System.getProperty("chaos.minutes", "0.75"));
        int rate = Integer.getInteger("chaos.rate", 40);
        System.out.printf(
                "CHAOS seed %d (replay: -Dchaos.seed=%d), %.2f minutes, %d records/s, logs in %s%n",
                seed, seed, minutes, rate, dir);
        String group = "chaos-" + UUID.randomUUID();
        long started = System.currentTimeMillis();
        try (KinesisLocalProcess kinesis = KinesisLocalProcess.start(Duration.ZERO, Duration.ZERO);
                DynamoDbLocalProcess dynamoDb =
                        DynamoDbLocalProcess.start(dir.resolve("dynamodb"));
                FaultProxy proxy = FaultProxy.start(kinesis.endpoint())) {
            TestStream stream = kinesis.createStream("group-chaos", 4);
            run(seed, minutes, rate, dir, started, stream, group, dynamoDb, proxy);
        }
    }

    private static void run(
            long seed,
            double minutes,
            int rate,
            Path dir,
            long started,
            TestStream stream,
            String group,
            DynamoDbLocalProcess dynamoDb,
            FaultProxy proxy)
            throws Exception {
        long leaseMillis = GroupWorker.LEASE.toMillis();
        try (ChaosWorkers workers =
                new ChaosWorkers(
                        dir,
                        WORKERS,
                        stream.name(),
                        group,
                        proxy.endpoint(),
                        dynamoDb.endpoint())) {
            for (int i = 0; i < WORKERS; i++) {
                workers.start(i);
            }
            Producer producer = Producer.start(stream, KEYS, Math.max(1, rate / 5), 200, "r-");
            awaitDelivered(workers, 1, 180_000);
            ChaosSchedule schedule =
                    new ChaosSchedule(seed, workers, dynamoDb, proxy, stream, leaseMillis);
            schedule.run(System.currentTimeMillis() + (long) (minutes * 60_000));
            // let the last fault window run (at most 10 s more) so every kind hits some calls
            long faultsEnd =
                    schedule.events.stream()
                            .filter(e -> e.kind == Kind.THROTTLE || e.kind == Kind.SERVER_ERRORS)
                            .mapToLong(e -> e.end)
                            .max()
                            .orElse(0);
            Thread.sleep(Math.max(0, Math.min(10_000, faultsEnd - System.currentTimeMillis())));
            int written = producer.stop();
            proxy.clearRules();
            workers.reviveAll();
            long drainStart = System.currentTimeMillis();
            awaitDelivered(workers, written, 300_000);
            long drained = System.currentTimeMillis() - drainStart;
            Thread.sleep(leaseMillis);
            workers.close();

            ChaosJournal journal =
                    new ChaosJournal(
                            workers.journals(), written, KEYS, schedule.events, leaseMillis);
            String table =
                    summary(
                            seed,
                            System.currentTimeMillis() - started,
                            journal,
                            schedule,
                            proxy,
                            workers.exitedOnTheirOwn.size(),
                            workers.failedToStart.size());
            System.out.println(table);
            System.out.printf("CHAOS drained %d ms after the schedule ended%n", drained);
            for (ChaosEvent e : schedule.events) {
                System.out.println("CHAOS event " + e);
            }
            journal.outOfWindow.stream()
                    .limit(20)
                    .forEach(d -> System.out.println("CHAOS out of window: " + d));
            journal.lateDeliveries.stream()
                    .limit(20)
                    .forEach(d -> System.out.println("CHAOS late: " + d));
            journal.lateCheckpoints.forEach(d -> System.out.println("CHAOS late checkpoint: " + d));
            journal.orderViolations.forEach(d -> System.out.println("CHAOS order: " + d));

            assertThat(workers.exitedOnTheirOwn).as("workers whose scan failed").isEmpty();
            assertThat(journal.lostSample).as("records never delivered").isEmpty();
            assertThat(journal.outOfWindow)
                    .as("deliveries at or before an accepted checkpoint of their shard")
                    .isEmpty();
            assertThat(journal.orderViolations).as("per-key order of first deliveries").isEmpty();
            assertThat(journal.lateCheckpoints)
                    .as("checkpoints a thawed worker got accepted for shards taken meanwhile")
                    .isEmpty();
            assertThat(journal.maxLatePerShard)
                    .as("deliveries per shard by a thawed worker after another took the shard")
                    .isLessThanOrEqualTo(1);
            assertThat(schedule.count(Kind.KILL)).isGreaterThanOrEqualTo(1);
            assertThat(schedule.count(Kind.FREEZE)).isGreaterThanOrEqualTo(1);
            assertThat(dynamoDb.restarts()).isGreaterThanOrEqualTo(1);
        }
    }

    private static String summary(
            long seed,
            long millis,
            ChaosJournal j,
            ChaosSchedule s,
            FaultProxy proxy,
            int exits,
            int joinFailures) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("CHAOS SUMMARY seed %d, %.1f min%n", seed, millis / 60_000.0));
        row(b, "written", j.written);
        row(b, "delivered (distinct)", j.distinct);
        row(b, "deliveries (all)", j.deliveriesTotal());
        row(b, "lost", j.lost);
        row(b, "duplicates (deliveries beyond the first)", j.duplicates);
        j.duplicatesByCause.forEach((cause, n) -> row(b, "  after " + cause, n));
        row(b, "out of the at-least-once window", j.outOfWindow.size());
        row(b, "per-key order violations (first deliveries)", j.orderViolations.size());
        row(b, "thawed worker deliveries on taken shards", j.lateDeliveries.size());
        row(b, "thawed worker checkpoints accepted on taken shards", j.lateCheckpoints.size());
        row(
                b,
                "checkpoints accepted / rejected (fenced)",
                j.checkpointsAccepted + " / " + j.checkpointsRejected);
        row(b, "kills (SIGKILL, restarted)", s.count(Kind.KILL));
        row(b, "workers whose scan failed (exited on their own)", exits);
        row(b, "workers that failed to join (DynamoDB down at start)", joinFailures);
        row(b, "freezes (SIGSTOP > lease, SIGCONT)", s.count(Kind.FREEZE));
        row(b, "DynamoDB Local restarts", s.count(Kind.DYNAMODB_RESTART));
        row(
                b,
                "throttle / 5xx windows",
                s.count(Kind.THROTTLE) + " / " + s.count(Kind.SERVER_ERRORS));
        row(b, "faults injected", proxy.summary());
        row(b, "reshards (split / merge)", s.count(Kind.SPLIT) + " / " + s.count(Kind.MERGE));
        return b.toString();
    }

    private static void row(StringBuilder b, String name, Object value) {
        b.append(String.format("| %-52s | %20s |%n", name, value));
    }

    /** Waits until the journals hold at least {@code count} distinct records. */
    private static void awaitDelivered(ChaosWorkers workers, int count, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        int seen = 0;
        while (System.currentTimeMillis() < deadline) {
            seen = distinctDelivered(workers);
            if (seen >= count) {
                return;
            }
            Thread.sleep(500);
        }
        System.out.printf("CHAOS only %d of %d records delivered in time%n", seen, count);
    }

    private static int distinctDelivered(ChaosWorkers workers) {
        Set<String> seen = new HashSet<>();
        for (Path journal : workers.journals()) {
            try {
                for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
                    if (line.startsWith("D ")) {
                        seen.add(line.substring(line.lastIndexOf(' ') + 1));
                    }
                }
            } catch (IOException e) {
                if (Files.exists(journal)) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return seen.size();
    }
}
