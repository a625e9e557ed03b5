package io.github.kinesisconsumer.examples;

import io.github.kinesisconsumer.consumer.KinesisConsumer;
import io.github.kinesisconsumer.consumer.KinesisConsumerBuilder;
import io.github.kinesisconsumer.group.DynamoDbLeaseGroup;
import io.github.kinesisconsumer.kinesis.Credentials;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.store.CheckpointStore;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What {@link Scan} and {@link ScanBatch} share: a consumer on the app name and store of the Flink
 * job, and the two ways they stop: after {@code --max-records} records, or when nothing came for
 * {@code --idle-exit} (default 5 s, but at least 30 s before the first record; 0 to run until
 * killed).
 */
final class ScanRunner {

    /** Runs a scan method of a consumer. */
    interface ScanMethod {
        void scan(KinesisConsumer consumer, ScanRunner runner) throws Exception;
    }

    final long maxRecords;
    private final Duration idleExit;
    private final LongAdder records = new LongAdder();
    private final AtomicLong lastRecordNanos = new AtomicLong(System.nanoTime());
    private final Map<String, LongAdder> perShard = new ConcurrentHashMap<>();
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private volatile boolean stopRequested;

    private static final int RUNNING = 0;
    private static final int CLOSING = 1;
    private static final int DONE = 2;
    private static final long FIRST_RECORD_WAIT = 30_000_000_000L;

    private ScanRunner(Args args) {
        this.maxRecords = args.getLong("max-records", 0);
        this.idleExit = args.getDuration("idle-exit", Duration.ofSeconds(5));
    }

    /** Counts a record; true when {@code --max-records} is reached with it. */
    boolean count(String shardId, int n) {
        records.add(n);
        perShard.computeIfAbsent(shardId, s -> new LongAdder()).add(n);
        lastRecordNanos.set(System.nanoTime());
        return maxRecords > 0 && records.sum() >= maxRecords;
    }

    long records() {
        return records.sum();
    }

    static long run(String name, Args args, ScanMethod method) throws Exception {
        String stream = args.get("stream", "orders");
        String app = args.get("app", "orders-demo");
        ScanRunner runner = new ScanRunner(args);
        StartingPosition start =
                args.get("start", "trim-horizon").startsWith("latest")
                        ? StartingPosition.latest()
                        : StartingPosition.trimHorizon();
        long begin = System.nanoTime();
        try (CheckpointStore store = Setup.stores(args).create();
                KinesisConsumer consumer = consumer(args, stream, app, store, start)) {
            System.out.printf(
                    "%s: app %s on stream %s, checkpoints in %s (shards without one start at %s)%n",
                    name, app, stream, store, start);
            Thread watchdog = runner.watchdog(name, consumer);
            try {
                method.scan(consumer, runner);
            } finally {
                runner.stopWatchdog(watchdog);
            }
        }
        System.out.printf(
                "%s: read %d records in %.1f s; per shard %s%n",
                name, runner.records(), (System.nanoTime() - begin) / 1e9, runner.perShard());
        Checkpoints.print(args, app, stream);
        return runner.records();
    }

    /** The consumer; with {@code --group NAME}, a member of a DynamoDB lease group. */
    private static KinesisConsumer consumer(
            Args args, String stream, String app, CheckpointStore store, StartingPosition start) {
        KinesisConsumerBuilder builder =
                KinesisConsumer.builder()
                        .streamName(stream)
                        .appName(app)
                        .clientSettings(Setup.kinesis(args))
                        .checkpointStore(store)
                        .startingPosition(start);
        String group = args.get("group", null);
        if (group != null) {
            builder.group(
                    DynamoDbLeaseGroup.builder()
                            .tableName(args.get("lease-table", "kinesis_leases"))
                            .groupName(group)
                            .workerId(args.get("worker", null))
                            .region("us-east-1")
                            .endpoint(
                                    args.get(
                                            "dynamodb-endpoint",
                                            Args.env(
                                                    "KC_DYNAMODB_ENDPOINT",
                                                    "http://127.0.0.1:8000")))
                            .credentials(Credentials.basic("local", "local"))
                            .createTable(true)
                            .leasePeriod(args.getDuration("lease", Duration.ofSeconds(10))));
        }
        return builder.build();
    }

    private Map<String, Long> perShard() {
        Map<String, Long> out = new TreeMap<>();
        perShard.forEach((shard, n) -> out.put(shard, n.sum()));
        return out;
    }

    /** Asks the watchdog to close the consumer (never from inside a callback itself). */
    void requestStop() {
        stopRequested = true;
    }

    /**
     * Prints progress every second, and closes the consumer when a stop was requested or it has
     * been idle for {@code --idle-exit}.
     */
    private Thread watchdog(String name, KinesisConsumer consumer) {
        Thread t =
                new Thread(
                        () -> {
                            long last = -1;
                            long nextReport = System.nanoTime() + 1_000_000_000L;
                            while (state.get() == RUNNING) {
                                try {
                                    Thread.sleep(100);
                                } catch (InterruptedException e) {
                                    return; // the scan ended
                                }
                                long now = System.nanoTime();
                                if (now >= nextReport) {
                                    long n = records();
                                    if (n != last) {
                                        System.out.printf("%s: %,d records so far%n", name, n);
                                        last = n;
                                    }
                                    nextReport = now + 1_000_000_000L;
                                }
                                // before the first record, allow at least FIRST_RECORD_WAIT
                                long limit =
                                        records() == 0
                                                ? Math.max(idleExit.toNanos(), FIRST_RECORD_WAIT)
                                                : idleExit.toNanos();
                                boolean idle =
                                        !idleExit.isZero() && now - lastRecordNanos.get() >= limit;
                                if ((stopRequested || idle)
                                        && state.compareAndSet(RUNNING, CLOSING)) {
                                    if (idle) {
                                        System.out.printf(
                                                "%s: no record for %d s, stopping%n",
                                                name, idleExit.toSeconds());
                                    }
                                    consumer.close();
                                    return;
                                }
                            }
                        },
                        name + "-watchdog");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Ends the watchdog after the scan returned: interrupts it unless it is closing. */
    private void stopWatchdog(Thread watchdog) throws InterruptedException {
        if (state.compareAndSet(RUNNING, DONE)) {
            watchdog.interrupt();
        }
        watchdog.join();
    }
}
