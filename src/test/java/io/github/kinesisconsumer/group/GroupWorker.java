package io.github.kinesisconsumer.group;

import io.github.kinesisconsumer.consumer.KinesisConsumer;
import io.github.kinesisconsumer.consumer.ScanResult;
import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.Credentials;
import io.github.kinesisconsumer.kinesis.PollerOptions;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.store.CheckpointStore;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/** One group member run on a thread, recording what it delivers. */
final class GroupWorker implements AutoCloseable {

    static final Duration LEASE = Duration.ofSeconds(3);

    final String id;
    final DynamoDbLeaseGroup group;
    final KinesisConsumer consumer;
    final Map<String, AtomicInteger> deliveries;
    final Map<String, Long> lastDeliveryNanosByShard = new ConcurrentHashMap<>();
    final Map<String, Long> firstDeliveryNanosByShard = new ConcurrentHashMap<>();
    private final Thread thread;
    volatile Throwable failure;
    volatile Predicate<String> blockOn = p -> false;
    volatile java.util.Queue<String[]> order;
    final Object gate = new Object();
    volatile boolean gateOpen = true;

    GroupWorker(
            String id,
            String table,
            String groupName,
            ClientSettings kinesis,
            String stream,
            CheckpointStore store,
            Map<String, AtomicInteger> deliveries) {
        this(
                id,
                table,
                groupName,
                kinesis,
                stream,
                store,
                deliveries,
                Integer.MAX_VALUE,
                System::currentTimeMillis,
                g -> g);
    }

    /**
     * A worker holding at most {@code maxLeases}, its leases reckoned by {@code clock}, whose
     * consumer sees its group through {@code around} (a test's wrapper, or the group itself).
     */
    GroupWorker(
            String id,
            String table,
            String groupName,
            ClientSettings kinesis,
            String stream,
            CheckpointStore store,
            Map<String, AtomicInteger> deliveries,
            int maxLeases,
            LongSupplier clock,
            UnaryOperator<ConsumerGroup> around) {
        this.id = id;
        this.deliveries = deliveries;
        this.group =
                DynamoDbLeaseGroup.builder()
                        .tableName(table)
                        .groupName(groupName)
                        .workerId(id)
                        .region("us-east-1")
                        .endpoint(ddbEndpoint())
                        .credentials(Credentials.basic("local", "local"))
                        .createTable(true)
                        .leasePeriod(LEASE)
                        .renewInterval(Duration.ofSeconds(1))
                        .takeInterval(Duration.ofMillis(300))
                        .maxLeases(maxLeases)
                        .clock(clock)
                        .build();
        this.consumer =
                KinesisConsumer.builder()
                        .streamName(stream)
                        .appName(groupName)
                        .clientSettings(kinesis)
                        .checkpointStore(store)
                        .startingPosition(StartingPosition.trimHorizon())
                        .discoveryInterval(Duration.ofSeconds(1))
                        .pollerOptions(
                                PollerOptions.builder()
                                        .idlePollInterval(Duration.ofMillis(50))
                                        .build())
                        .group(around.apply(group))
                        .build();
        this.thread =
                new Thread(
                        () -> {
                            try {
                                consumer.scan(
                                        r -> {
                                            String payload = r.dataAsString();
                                            if (blockOn.test(payload)) {
                                                synchronized (gate) {
                                                    gateOpen = false;
                                                    while (!gateOpen) {
                                                        gate.wait();
                                                    }
                                                }
                                            }
                                            long now = System.nanoTime();
                                            java.util.Queue<String[]> log = order;
                                            if (log != null) {
                                                log.add(
                                                        new String[] {
                                                            r.partitionKey(),
                                                            payload,
                                                            r.shardId(),
                                                            Long.toString(now)
                                                        });
                                            }
                                            firstDeliveryNanosByShard.putIfAbsent(r.shardId(), now);
                                            lastDeliveryNanosByShard.put(r.shardId(), now);
                                            deliveries
                                                    .computeIfAbsent(
                                                            payload, k -> new AtomicInteger())
                                                    .incrementAndGet();
                                            return ScanResult.CONTINUE;
                                        });
                            } catch (Throwable t) {
                                failure = t;
                            }
                        },
                        "group-worker-" + id);
        thread.setDaemon(true);
    }

    static String ddbEndpoint() {
        String e = System.getenv("KC_DYNAMODB_ENDPOINT");
        return e == null || e.isEmpty() ? "http://127.0.0.1:8000" : e;
    }

    GroupWorker start() {
        thread.start();
        return this;
    }

    int owned() {
        return group.ownedShards().size();
    }

    void openGate() {
        synchronized (gate) {
            gateOpen = true;
            gate.notifyAll();
        }
    }

    @Override
    public void close() throws InterruptedException {
        openGate();
        consumer.close();
        thread.join(30_000);
    }
}
