package io.github.kinesisconsumer.group;

import io.github.kinesisconsumer.kinesis.Credentials;
import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointKey;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.memory.InMemoryCheckpointStore;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import static io.github.kinesisconsumer.group.DynamoDbLeaseGroupTest.waitMillis;
import static org.assertj.core.api.Assertions.assertThat;

/** A worker frozen past its lease cannot checkpoint after another worker took its shard. */
class LeaseFencingTest {

    /** How often the members of {@link #group} renew their leases. */
    static final Duration RENEW = Duration.ofSeconds(1);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    private static DynamoDbLeaseGroup group(String name, String worker) {
        return group(name, worker, GroupWorker.ddbEndpoint(), System::currentTimeMillis);
    }

    /** A group member on DynamoDB at {@code endpoint}, its leases reckoned by {@code clock}. */
    static DynamoDbLeaseGroup group(
            String name, String worker, String endpoint, LongSupplier clock) {
        return DynamoDbLeaseGroup.builder()
                .tableName("kc_group_leases")
                .groupName(name)
                .workerId(worker)
                .region("us-east-1")
                .endpoint(endpoint)
                .credentials(Credentials.basic("local", "local"))
                .createTable(true)
                .leasePeriod(GroupWorker.LEASE)
                .renewInterval(RENEW)
                .takeInterval(Duration.ofMillis(300))
                .clock(clock)
                .build();
    }

    /** A client of DynamoDB Local, to read and write the lease table as the group does. */
    static DynamoDbAsyncClient dynamoDb() {
        return DynamoDbAsyncClient.builder()
                .endpointOverride(URI.create(GroupWorker.ddbEndpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(() -> AwsBasicCredentials.create("local", "local"))
                .build();
    }

    /** Worker "a", holding the lease of {@code shard} with checkpoint 100. */
    private static DynamoDbLeaseGroup ownerCheckpointedAt100(String name, ShardInfo shard)
            throws InterruptedException {
        DynamoDbLeaseGroup a = group(name, "a");
        a.start("s");
        a.shardsDiscovered(List.of(shard));
        waitMillis(() -> a.ownedShards().size() == 1, Duration.ofSeconds(10), System.nanoTime());
        assertThat(a.checkpoint(shard.shardId(), Checkpoint.at("100"))).isTrue();
        return a;
    }

    @Test
    void checkpointOfAFrozenOwnerIsRejectedAfterTakeOver() throws Exception {
        String name = "fence-" + UUID.randomUUID();
        ShardInfo shard = new ShardInfo("shardId-000000000000", null, null, "1", null);
        try (DynamoDbLeaseGroup a = ownerCheckpointedAt100(name, shard)) {

            a.pauseRenewals(true);
            long frozen = System.nanoTime();
            try (DynamoDbLeaseGroup b = group(name, "b")) {
                b.start("s");
                long took =
                        waitMillis(
                                () -> b.ownedShards().contains(shard.shardId()),
                                Duration.ofSeconds(15),
                                frozen);
                System.out.printf(
                        "fencing: worker b took the frozen worker's shard %d ms after a stopped"
                                + " renewing (lease period %d ms)%n",
                        took, GroupWorker.LEASE.toMillis());
                assertThat(b.leaseCheckpoint(shard.shardId())).contains(Checkpoint.at("100"));
                assertThat(b.checkpoint(shard.shardId(), Checkpoint.at("200"))).isTrue();

                assertThat(a.checkpoint(shard.shardId(), Checkpoint.at("150")))
                        .as("the frozen owner's late checkpoint")
                        .isFalse();
                assertThat(a.ownedShards()).doesNotContain(shard.shardId());
                assertThat(b.checkpoint(shard.shardId(), Checkpoint.at("300"))).isTrue();
            }
        }
    }

    /**
     * A lease that expired locally (renewals failed, e.g. DynamoDB down) is lost: no checkpoint is
     * written under it any more, and the worker takes it again with a new counter instead of
     * renewing it. Before, the late checkpoint was accepted and the renewal revived the lease with
     * the checkpoint of the original take, so the worker read again records it had checkpointed
     * (found by GroupChaosTest, seed 42: a DynamoDB Local restart).
     */
    @Test
    void aLeaseThatExpiredLocallyIsTakenAgainAtItsLatestCheckpoint() throws Exception {
        String name = "expired-" + UUID.randomUUID();
        ShardInfo shard = new ShardInfo("shardId-000000000000", null, null, "1", null);
        try (DynamoDbLeaseGroup a = ownerCheckpointedAt100(name, shard)) {
            a.pauseRenewals(true);
            waitMillis(() -> a.ownedShards().isEmpty(), Duration.ofSeconds(10), System.nanoTime());
            boolean late = a.checkpoint(shard.shardId(), Checkpoint.at("150"));
            a.pauseRenewals(false);
            waitMillis(
                    () -> a.ownedShards().size() == 1, Duration.ofSeconds(10), System.nanoTime());
            assertThat(a.leaseCheckpoint(shard.shardId()))
                    .as(
                            "where the worker reads the shard again (late checkpoint accepted: %s)",
                            late)
                    .contains(Checkpoint.at(late ? "150" : "100"));
            assertThat(late).as("a checkpoint after the lease expired locally").isFalse();
        }
    }

    /**
     * A take returns the checkpoint as the take found it: one the previous owner wrote after the
     * taker read the table (its lease expired but not yet taken) is where the taker starts.
     */
    @Test
    void aTakeSeesTheCheckpointWrittenAfterTheTakerReadTheTable() {
        String name = "take-" + UUID.randomUUID();
        try (DynamoDbAsyncClient client = dynamoDb()) {
            LeaseTable table = new LeaseTable(client, "kc_group_leases", name);
            table.createIfMissing();
            table.createLease("s", "shard-0", List.of());
            Lease free = table.read("s").leases.get("shard-0");
            Lease mine = table.take("s", free, "a", System.currentTimeMillis(), 1);
            assertThat(mine.counter).isEqualTo(1);
            assertThat(table.checkpoint("s", "shard-0", "a", 1, "100", -1)).isTrue();
            Lease seenByB = table.read("s").leases.get("shard-0");
            assertThat(seenByB.checkpointSequence).isEqualTo("100");
            assertThat(table.checkpoint("s", "shard-0", "a", 1, "150", -1)).isTrue();

            Lease taken = table.take("s", seenByB, "b", System.currentTimeMillis() + 5, 3_000);
            assertThat(taken.owner).isEqualTo("b");
            assertThat(taken.counter).isEqualTo(2);
            assertThat(taken.checkpointSequence).isEqualTo("150");
            assertThat(table.checkpoint("s", "shard-0", "a", 1, "160", -1)).isFalse();
        }
    }

    @Test
    void frozenConsumerStopsReadingAndNothingIsLost() throws Exception {
        TestStream stream = KINESIS.createStream(2);
        List<WrittenRecord> written = stream.putSequential(400, 20);
        String name = "frozen-" + UUID.randomUUID();
        CheckpointStore store = new InMemoryCheckpointStore();
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        GroupWorker a =
                new GroupWorker(
                        "a",
                        "kc_group_leases",
                        name,
                        KINESIS.clientSettings(),
                        stream.name(),
                        store,
                        deliveries);
        String frozenShard = written.get(0).shardId;
        String blockOn = null;
        for (WrittenRecord w : written) {
            if (w.shardId.equals(frozenShard) && Integer.parseInt(w.text()) > 200) {
                blockOn = w.text();
                break;
            }
        }
        String block = blockOn;
        a.blockOn = p -> p.equals(block);
        a.start();
        waitMillis(() -> a.owned() == 2, Duration.ofSeconds(15), System.nanoTime());
        waitMillis(() -> !a.gateOpen, Duration.ofSeconds(30), System.nanoTime());
        a.group.pauseRenewals(true);
        long frozen = System.nanoTime();
        Map<String, AtomicInteger> bDeliveries = new ConcurrentHashMap<>();
        try (GroupWorker b =
                new GroupWorker(
                                "b",
                                "kc_group_leases",
                                name,
                                KINESIS.clientSettings(),
                                stream.name(),
                                store,
                                bDeliveries)
                        .start()) {
            long took = waitMillis(() -> b.owned() == 2, Duration.ofSeconds(20), frozen);
            waitMillis(
                    () -> bDeliveries.containsKey(block),
                    Duration.ofSeconds(20),
                    System.nanoTime());
            java.util.Set<String> aBefore = new java.util.HashSet<>(deliveries.keySet());
            a.openGate();
            Thread.sleep(2_000);
            java.util.Set<String> aLate = new java.util.HashSet<>(deliveries.keySet());
            aLate.removeAll(aBefore);
            Checkpoint stored =
                    store.get(new CheckpointKey(name, stream.name(), frozenShard)).orElseThrow();
            System.out.printf(
                    "frozen worker: b took both shards %d ms after a froze; a delivered %d more"
                            + " record(s) after waking; store position %s%n",
                    took, aLate.size(), stored);
            assertThat(aLate)
                    .as("after waking, a only finishes the callback it was frozen in")
                    .isSubsetOf(block);
            for (WrittenRecord w : written) {
                assertThat(deliveries.containsKey(w.text()) || bDeliveries.containsKey(w.text()))
                        .as("record %s delivered", w.text())
                        .isTrue();
            }
            String lastOfShard = null;
            for (WrittenRecord w : written) {
                if (w.shardId.equals(frozenShard)) {
                    lastOfShard = w.sequenceNumber;
                }
            }
            assertThat(stored).isEqualTo(Checkpoint.at(lastOfShard));
        } finally {
            a.close();
        }
    }
}
