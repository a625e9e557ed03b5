package io.github.kinesisconsumer.group;

import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.memory.InMemoryCheckpointStore;
import io.github.kinesisconsumer.testing.Await;
import io.github.kinesisconsumer.testing.FaultProxy;
import io.github.kinesisconsumer.testing.FaultRule;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lease races GroupChaosTest found, made deterministic: the group's clock is the test's, so a
 * lease expires exactly when the test moves it, and what a frozen process or an unreachable
 * DynamoDB holds up (the scan's main loop, a renewal) is held on a latch.
 */
class LeaseRaceTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    private static final String TABLE = "kc_group_leases";
    private static final long LEASE = GroupWorker.LEASE.toMillis();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final AtomicLong clock = new AtomicLong(System.currentTimeMillis());

    /**
     * A worker whose lease was lost while a batch of the shard was queued on its lane delivers
     * nothing more of it, even before its main loop drops the lane: here the loop is held (as in a
     * process frozen past its lease and woken by SIGCONT, where the lane thread may run first)
     * while worker b takes the shard and reads it; then a's callback returns. Before the fix
     * (56cc490) a went on with the rest of the batch, records b had already delivered.
     */
    @Test
    void aBatchQueuedBeforeTheLeaseWasLostIsNotDelivered() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        List<WrittenRecord> written = stream.putSequential(30, 5);
        String shard = written.get(0).shardId;
        String name = "queued-" + UUID.randomUUID();
        CheckpointStore store = new InMemoryCheckpointStore();
        Map<String, AtomicInteger> aDeliveries = new ConcurrentHashMap<>();
        AtomicReference<HeldLoopGroup> held = new AtomicReference<>();
        GroupWorker a =
                new GroupWorker(
                        "a",
                        TABLE,
                        name,
                        KINESIS.clientSettings(),
                        stream.name(),
                        store,
                        aDeliveries,
                        Integer.MAX_VALUE,
                        clock::get,
                        g -> {
                            held.set(new HeldLoopGroup(g, shard));
                            return held.get();
                        });
        a.blockOn = "10"::equals;
        Set<String> aBefore;
        try {
            a.start();
            Await.until(() -> !a.gateOpen, WAIT, "a's callback to stop at record 10");
            HeldLoopGroup loop = held.get();
            loop.holdLoop();
            assertThat(loop.loopHeld.await(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("a's main loop held")
                    .isTrue();
            a.group.pauseRenewals(true);
            clock.addAndGet(LEASE + 1);
            assertThat(a.group.holds(shard)).as("a's lease after its expiry").isFalse();

            Map<String, AtomicInteger> bDeliveries = new ConcurrentHashMap<>();
            try (GroupWorker b =
                    new GroupWorker(
                                    "b",
                                    TABLE,
                                    name,
                                    KINESIS.clientSettings(),
                                    stream.name(),
                                    store,
                                    bDeliveries,
                                    Integer.MAX_VALUE,
                                    clock::get,
                                    g -> g)
                            .start()) {
                Await.until(
                        () -> bDeliveries.size() == written.size(),
                        WAIT,
                        "b to take the shard and read all of it");
                aBefore = Set.copyOf(aDeliveries.keySet());
                CountDownLatch answered = loop.watchLane();
                a.openGate();
                assertThat(answered.await(WAIT.toSeconds(), TimeUnit.SECONDS))
                        .as("a's lane found its lease gone or wrote a checkpoint")
                        .isTrue();
                loop.release();
            }
        } finally {
            HeldLoopGroup loop = held.get();
            if (loop != null) {
                loop.release();
            }
            a.close();
        }
        Set<String> aLate =
                aDeliveries.keySet().stream()
                        .filter(p -> !aBefore.contains(p))
                        .collect(Collectors.toCollection(TreeSet::new));
        System.out.printf(
                "queued batch: a delivered %d record(s) before its lease was lost, %s after b"
                        + " had read all %d%n",
                aBefore.size(), aLate, written.size());
        assertThat(aLate)
                .as("a's deliveries after b took the shard: only the callback it was in")
                .isSubsetOf("10");
    }

    /**
     * A renewal under way when the lease expires locally (DynamoDB slow or down) that then succeeds
     * does not revive the lease: the worker treats it as lost (no delivery, no checkpoint) and
     * takes it again with a new counter once the renewed expiry has passed. Before the fix
     * (1944667) the late answer extended the lease under its old counter.
     */
    @Test
    void aRenewalThatReturnsAfterTheLeaseExpiredLocallyLosesIt() throws Exception {
        String name = "late-renewal-" + UUID.randomUUID();
        String shard = "shardId-000000000000";
        try (FaultProxy dynamoDb = FaultProxy.start(GroupWorker.ddbEndpoint());
                DynamoDbLeaseGroup a =
                        LeaseFencingTest.group(name, "a", dynamoDb.endpoint(), clock::get)) {
            a.start("s");
            a.shardsDiscovered(List.of(new ShardInfo(shard, null, null, "1", null)));
            Await.until(() -> a.holds(shard), WAIT, "a to take the lease");
            assertThat(a.checkpoint(shard, Checkpoint.at("100"))).isTrue();

            CountDownLatch renewing = new CountDownLatch(1);
            CountDownLatch answer = new CountDownLatch(1);
            dynamoDb.add(
                    FaultRule.latency("UpdateItem", Duration.ZERO)
                            .times(1)
                            .onHit(
                                    () -> {
                                        renewing.countDown();
                                        awaitQuietly(answer);
                                    }));
            clock.addAndGet(LeaseFencingTest.RENEW.toMillis());
            assertThat(renewing.await(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("a's renewal held on its way to DynamoDB")
                    .isTrue();
            clock.addAndGet(LEASE - LeaseFencingTest.RENEW.toMillis());
            assertThat(a.holds(shard)).as("the lease at its local expiry").isFalse();

            CountDownLatch renewalDone = new CountDownLatch(1);
            // the heartbeat follows the renewals on the coordinator's thread
            dynamoDb.add(
                    FaultRule.latency("PutItem", Duration.ZERO)
                            .times(1)
                            .onHit(renewalDone::countDown));
            answer.countDown();
            assertThat(renewalDone.await(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("the renewal answered")
                    .isTrue();
            boolean revived = a.holds(shard);
            boolean lateCheckpoint = a.checkpoint(shard, Checkpoint.at("150"));
            System.out.printf(
                    "late renewal: lease held after it answered: %s, checkpoint accepted: %s%n",
                    revived, lateCheckpoint);
            assertThat(revived).as("the lease after a renewal that answered late").isFalse();
            assertThat(lateCheckpoint).as("a checkpoint after the late renewal").isFalse();

            clock.addAndGet(LEASE + 1);
            Await.until(() -> a.holds(shard), WAIT, "a to take the lease again");
            try (DynamoDbAsyncClient client = LeaseFencingTest.dynamoDb()) {
                Lease lease = new LeaseTable(client, TABLE, name).read("s").leases.get(shard);
                assertThat(lease.owner).isEqualTo("a");
                assertThat(lease.counter).as("the counter of the lease taken again").isEqualTo(2);
            }
            assertThat(a.leaseCheckpoint(shard)).contains(Checkpoint.at("100"));
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A worker's group as its scan sees it, with the scan's main loop held when asked: the loop
     * asks {@link #ownedShards()} every round, and waits there, as if its process were frozen,
     * while the lanes go on. It tells when the lane of {@code shardId} answers for its lease: asks
     * whether it still holds it and learns it does not, or writes a checkpoint.
     */
    private static final class HeldLoopGroup extends ForwardingGroup {

        private final String shardId;
        final CountDownLatch loopHeld = new CountDownLatch(1);
        private volatile CountDownLatch held;
        private volatile CountDownLatch laneAnswered;

        HeldLoopGroup(ConsumerGroup group, String shardId) {
            super(group);
            this.shardId = shardId;
        }

        /** The main loop stops at its next round, until {@link #release()}. */
        void holdLoop() {
            held = new CountDownLatch(1);
        }

        void release() {
            CountDownLatch h = held;
            held = null;
            if (h != null) {
                h.countDown();
            }
        }

        /** Counted down when the lane next answers for its lease. */
        CountDownLatch watchLane() {
            laneAnswered = new CountDownLatch(1);
            return laneAnswered;
        }

        private void laneAnswered(String shard) {
            CountDownLatch l = laneAnswered;
            if (l != null && shardId.equals(shard)) {
                l.countDown();
            }
        }

        @Override
        public Set<String> ownedShards() {
            CountDownLatch h = held;
            if (h != null) {
                loopHeld.countDown();
                awaitQuietly(h);
            }
            return super.ownedShards();
        }

        @Override
        public boolean holds(String shard) {
            boolean holds = super.holds(shard);
            if (!holds) {
                laneAnswered(shard);
            }
            return holds;
        }

        @Override
        public boolean checkpoint(String shard, Checkpoint checkpoint) {
            boolean ok = super.checkpoint(shard, checkpoint);
            laneAnswered(shard);
            return ok;
        }
    }
}
