package io.github.kinesisconsumer.group;

import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.memory.InMemoryCheckpointStore;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.Producer;
import io.github.kinesisconsumer.testing.TestStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Workers as threads sharing a stream through DynamoDB Local leases. */
class DynamoDbLeaseGroupTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    private static final String TABLE = "kc_group_leases";

    private final List<GroupWorker> workers = new ArrayList<>();
    private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    private final CheckpointStore store = new InMemoryCheckpointStore();
    private String groupName;
    private TestStream stream;

    @BeforeEach
    void setUp() {
        groupName = "group-" + UUID.randomUUID();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (GroupWorker w : workers) {
            w.close();
        }
    }

    private GroupWorker worker(String id) {
        return worker(id, Integer.MAX_VALUE);
    }

    private GroupWorker worker(String id, int maxLeases) {
        GroupWorker w =
                new GroupWorker(
                        id,
                        TABLE,
                        groupName,
                        KINESIS.clientSettings(),
                        stream.name(),
                        store,
                        deliveries,
                        maxLeases,
                        System::currentTimeMillis,
                        g -> g);
        workers.add(w);
        return w.start();
    }

    /**
     * With at most 2 leases per worker, two workers read 4 of 6 shards and never hold more, even
     * while leases are free; a third worker takes the 2 left.
     */
    @Test
    void aWorkerNeverHoldsMoreThanMaxLeases() throws Exception {
        stream = KINESIS.createStream(6);
        long start = System.nanoTime();
        GroupWorker a = worker("a", 2);
        GroupWorker b = worker("b", 2);
        waitMillis(() -> a.owned() == 2 && b.owned() == 2, Duration.ofSeconds(30), start);
        int most = 0;
        for (int i = 0; i < 30; i++) {
            most = Math.max(most, Math.max(a.owned(), b.owned()));
            Thread.sleep(100);
        }
        assertThat(most).isEqualTo(2);
        Set<String> held = new HashSet<>(a.group.ownedShards());
        held.addAll(b.group.ownedShards());
        assertThat(held).hasSize(4);

        GroupWorker c = worker("c");
        waitMillis(() -> c.owned() == 2, Duration.ofSeconds(30), System.nanoTime());
        held.addAll(c.group.ownedShards());
        assertThat(held).containsExactlyInAnyOrderElementsOf(stream.shardIds());
        assertThat(a.owned()).isEqualTo(2);
        assertThat(b.owned()).isEqualTo(2);
    }

    @Test
    void maxLeasesBelowOneIsRefused() {
        assertThatThrownBy(
                        () ->
                                DynamoDbLeaseGroup.builder()
                                        .tableName(TABLE)
                                        .groupName("g")
                                        .maxLeases(0)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxLeases must be >= 1, but was 0");
    }

    @Test
    void convergesRebalancesOnJoinAndLeaveWithoutDuplicates() throws Exception {
        stream = KINESIS.createStream(12);
        long start = System.nanoTime();
        GroupWorker a = worker("a");
        GroupWorker b = worker("b");
        GroupWorker c = worker("c");
        long converged =
                waitMillis(
                        () -> a.owned() == 4 && b.owned() == 4 && c.owned() == 4,
                        Duration.ofSeconds(30),
                        start);
        System.out.printf(
                "group: 3 workers on 12 shards converged to 4/4/4 in %d ms (lease period %d ms)%n",
                converged, GroupWorker.LEASE.toMillis());
        assertThat(converged).isLessThan(3 * GroupWorker.LEASE.toMillis());

        Producer producer = Producer.start(stream, 97, 48, 50, "r-");
        Thread.sleep(2_000);

        long joinStart = System.nanoTime();
        GroupWorker d = worker("d");
        long rebalanced =
                waitMillis(
                        () -> a.owned() == 3 && b.owned() == 3 && c.owned() == 3 && d.owned() == 3,
                        Duration.ofSeconds(40),
                        joinStart);
        System.out.printf("group: a 4th worker joined; 3/3/3/3 after %d ms%n", rebalanced);
        Thread.sleep(2_000);

        List<String> leaving = new ArrayList<>(a.group.ownedShards());
        long leaveStart = System.nanoTime();
        a.close();
        long takenOver =
                waitMillis(
                        () -> {
                            int others = 0;
                            for (GroupWorker w : List.of(b, c, d)) {
                                for (String s : leaving) {
                                    if (w.group.ownedShards().contains(s)) {
                                        others++;
                                    }
                                }
                            }
                            return others == leaving.size();
                        },
                        Duration.ofSeconds(20),
                        leaveStart);
        System.out.printf(
                "group: worker a left gracefully; its %d shards were taken by others %d ms after"
                        + " close() began%n",
                leaving.size(), takenOver);
        assertThat(takenOver).isLessThan(2_000);
        Thread.sleep(2_000);
        int total = producer.stop();
        waitMillis(() -> deliveries.size() >= total, Duration.ofSeconds(30), System.nanoTime());
        Thread.sleep(1_000);

        int dups = 0;
        for (AtomicInteger n : deliveries.values()) {
            if (n.get() > 1) {
                dups++;
            }
        }
        System.out.printf(
                "group: %d records written, %d delivered, %d delivered more than once%n",
                total, deliveries.size(), dups);
        assertThat(deliveries).hasSize(total);
        assertThat(dups).isZero();
        for (GroupWorker w : workers) {
            assertThat(w.failure).as("worker %s", w.id).isNull();
        }
    }

    static long waitMillis(BooleanSupplier condition, Duration timeout, long sinceNanos)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(20);
        }
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }
}
