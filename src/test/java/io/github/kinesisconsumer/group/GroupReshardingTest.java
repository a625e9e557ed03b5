package io.github.kinesisconsumer.group;

import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.kinesis.discovery.ShardLineage;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.memory.InMemoryCheckpointStore;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.Producer;
import io.github.kinesisconsumer.testing.TestStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static io.github.kinesisconsumer.group.DynamoDbLeaseGroupTest.waitMillis;
import static org.assertj.core.api.Assertions.assertThat;

/** Split and merge under a group: children are read only after their parents, across workers. */
class GroupReshardingTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    private static final int KEYS = 30;

    @Test
    void childrenWaitForTheirParentsAcrossWorkers() throws Exception {
        TestStream stream = KINESIS.createStream(3);
        String group = "reshard-" + UUID.randomUUID();
        CheckpointStore store = new InMemoryCheckpointStore();
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String[]> order = new ConcurrentLinkedQueue<>();
        List<GroupWorker> workers = new ArrayList<>();
        try {
            for (String id : List.of("a", "b")) {
                GroupWorker w =
                        new GroupWorker(
                                id,
                                "kc_group_leases",
                                group,
                                KINESIS.clientSettings(),
                                stream.name(),
                                store,
                                deliveries);
                w.order = order;
                workers.add(w.start());
            }
            waitMillis(
                    () -> workers.get(0).owned() + workers.get(1).owned() == 3,
                    Duration.ofSeconds(30),
                    System.nanoTime());
            Producer producer = Producer.start(stream, KEYS, 30, 30, "");
            Thread.sleep(1_500);
            stream.split("shardId-000000000000");
            Thread.sleep(1_500);
            stream.merge("shardId-000000000001", "shardId-000000000002");
            Thread.sleep(2_000);
            int total = producer.stop();
            waitMillis(() -> deliveries.size() >= total, Duration.ofSeconds(60), System.nanoTime());
            Thread.sleep(500);

            List<String[]> log = new ArrayList<>(order);
            log.sort((x, y) -> Long.compare(Long.parseLong(x[3]), Long.parseLong(y[3])));
            Map<String, List<Integer>> perKey = new HashMap<>();
            Map<String, Long> first = new HashMap<>();
            Map<String, Long> last = new HashMap<>();
            for (String[] e : log) {
                perKey.computeIfAbsent(e[0], k -> new ArrayList<>()).add(Integer.parseInt(e[1]));
                long t = Long.parseLong(e[3]);
                first.putIfAbsent(e[2], t);
                last.put(e[2], t);
            }
            for (Map.Entry<String, List<Integer>> key : perKey.entrySet()) {
                int k = Integer.parseInt(key.getKey().substring(4));
                List<Integer> expected = new ArrayList<>();
                for (int i = k; i < total; i += KEYS) {
                    expected.add(i);
                }
                assertThat(key.getValue()).as("records of %s", key.getKey()).isEqualTo(expected);
            }
            ShardLineage lineage = ShardLineage.of(stream.shards());
            for (ShardInfo shard : lineage.shards()) {
                for (String parent : shard.parentShardIds()) {
                    if (first.containsKey(shard.shardId()) && last.containsKey(parent)) {
                        long gap = (first.get(shard.shardId()) - last.get(parent)) / 1_000_000;
                        System.out.printf(
                                "group resharding: %s starts %d ms after its parent %s ended%n",
                                shard.shardId(), gap, parent);
                        assertThat(gap).isPositive();
                    }
                }
            }
            assertThat(deliveries).hasSize(total);
            assertThat(deliveries.values()).allMatch(n -> n.get() == 1);
            System.out.printf(
                    "group resharding: %d records, per-key order kept across 2 workers%n", total);
        } finally {
            for (GroupWorker w : workers) {
                w.close();
            }
        }
    }
}
