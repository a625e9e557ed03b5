package io.github.kinesisconsumer.store.buffered;

import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointKey;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreConformanceTest;
import io.github.kinesisconsumer.store.CheckpointStoreException;
import io.github.kinesisconsumer.store.memory.InMemoryCheckpointStore;
import io.github.kinesisconsumer.store.redis.RedisCheckpointStore;
import io.github.kinesisconsumer.testing.TcpProxy;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The conformance suite runs a buffered store over Redis (flushing every 100 ms in the background,
 * besides the suite's explicit flushes); the other tests use an in-memory store that can be made to
 * fail.
 */
class BufferedCheckpointStoreTest extends CheckpointStoreConformanceTest {

    private static final String REDIS_URL = redisUrl();
    private static final Duration NEVER = Duration.ofHours(1);

    private static final String SEQ_1 = "49590338271490256608559692538361571095921575989136588801";
    private static final String SEQ_2 = "49590338271490256608559692538361571095921575989136588802";
    private static final String SEQ_3 = "49590338271490256608559692540925702759324208523137515522";

    static String redisUrl() {
        String fromEnv = System.getenv("KC_REDIS_URL");
        return fromEnv == null || fromEnv.isEmpty() ? "redis://127.0.0.1:6379" : fromEnv;
    }

    @Override
    protected CheckpointStore createStore() {
        return BufferedCheckpointStore.wrap(
                RedisCheckpointStore.builder().url(REDIS_URL).build(), Duration.ofMillis(100));
    }

    /**
     * The suite closes this store after putting checkpoints while the server was unreachable, so
     * its final flush may rightly fail; the suite's cleanup would report that as an error.
     */
    @Override
    protected CheckpointStore createStoreAt(String host, int port) {
        BufferedCheckpointStore buffered =
                BufferedCheckpointStore.wrap(
                        RedisCheckpointStore.builder().url("redis://" + host + ":" + port).build(),
                        Duration.ofMillis(100));
        return new CheckpointStore() {
            @Override
            public Optional<Checkpoint> get(CheckpointKey key) {
                return buffered.get(key);
            }

            @Override
            public Map<String, Checkpoint> getAll(String appName, String streamName) {
                return buffered.getAll(appName, streamName);
            }

            @Override
            public void putAll(
                    String appName, String streamName, Map<String, Checkpoint> checkpoints) {
                buffered.putAll(appName, streamName, checkpoints);
            }

            @Override
            public void delete(CheckpointKey key) {
                buffered.delete(key);
            }

            @Override
            public void flush() {
                buffered.flush();
            }

            @Override
            public void close() {
                try {
                    buffered.close();
                } catch (CheckpointStoreException e) {
                    assertThat(buffered.pendingCount()).isPositive();
                }
            }
        };
    }

    @Override
    protected InetSocketAddress serverAddress() {
        URI uri = URI.create(REDIS_URL);
        return new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
    }

    private CheckpointKey key(String shard) {
        return new CheckpointKey(app, STREAM, shard);
    }

    @Test
    void keepsOnlyTheGreatestUntilFlushed() {
        FlakyStore delegate = new FlakyStore();
        BufferedCheckpointStore store = closeLater(BufferedCheckpointStore.wrap(delegate, NEVER));
        store.put(key("a"), Checkpoint.of(SEQ_2, 3, false));
        store.put(key("a"), Checkpoint.at(SEQ_1));
        store.put(key("a"), Checkpoint.of(SEQ_2, 2, false));
        store.putAll(app, STREAM, Map.of("a", Checkpoint.at(SEQ_1), "b", Checkpoint.at(SEQ_1)));
        store.putAll(app, STREAM, Map.of("b", Checkpoint.at(SEQ_3)));
        store.putAll(app, "other", Map.of("a", Checkpoint.at(SEQ_1)));
        store.putAll(app + "-2", STREAM, Map.of("a", Checkpoint.at(SEQ_1)));

        assertThat(delegate.putAllCalls.get()).isZero();
        assertThat(delegate.memory.getAll(app, STREAM)).isEmpty();
        assertThat(store.pendingCount()).isEqualTo(4);
        assertThat(store.get(key("a"))).contains(Checkpoint.of(SEQ_2, 3, false));
        assertThat(store.getAll(app, STREAM))
                .isEqualTo(Map.of("a", Checkpoint.of(SEQ_2, 3, false), "b", Checkpoint.at(SEQ_3)));

        store.flush();
        assertThat(delegate.putAllCalls.get()).as("one putAll per app and stream").isEqualTo(3);
        assertThat(delegate.memory.getAll(app, STREAM))
                .isEqualTo(Map.of("a", Checkpoint.of(SEQ_2, 3, false), "b", Checkpoint.at(SEQ_3)));
        assertThat(store.pendingCount()).isZero();

        store.flush();
        assertThat(delegate.putAllCalls.get()).as("nothing left to write").isEqualTo(3);
    }

    @Test
    void readsPreferTheStoredCheckpointWhenItIsAhead() {
        FlakyStore delegate = new FlakyStore();
        BufferedCheckpointStore store = closeLater(BufferedCheckpointStore.wrap(delegate, NEVER));
        delegate.memory.put(key("a"), Checkpoint.at(SEQ_3));
        store.put(key("a"), Checkpoint.at(SEQ_2));
        assertThat(store.get(key("a"))).contains(Checkpoint.at(SEQ_3));
        assertThat(store.getAll(app, STREAM)).containsEntry("a", Checkpoint.at(SEQ_3));
        store.flush();
        assertThat(delegate.memory.get(key("a"))).contains(Checkpoint.at(SEQ_3));
    }

    @Test
    void readsFailWhenTheStoreFails() {
        FlakyStore delegate = new FlakyStore();
        BufferedCheckpointStore store = closeLater(BufferedCheckpointStore.wrap(delegate, NEVER));
        store.put(key("a"), Checkpoint.at(SEQ_2));
        delegate.failing.set(true);
        assertThatThrownBy(() -> store.get(key("a"))).isInstanceOf(CheckpointStoreException.class);
        assertThatThrownBy(() -> store.getAll(app, STREAM))
                .isInstanceOf(CheckpointStoreException.class);
        delegate.failing.set(false);
    }

    @Test
    void flushesEveryInterval() {
        FlakyStore delegate = new FlakyStore();
        BufferedCheckpointStore store =
                closeLater(BufferedCheckpointStore.wrap(delegate, Duration.ofMillis(50)));
        store.put(key("a"), Checkpoint.at(SEQ_1));
        awaitTrue(() -> delegate.memory.get(key("a")).isPresent());
        store.put(key("a"), Checkpoint.at(SEQ_2));
        awaitTrue(() -> delegate.memory.get(key("a")).equals(Optional.of(Checkpoint.at(SEQ_2))));
        awaitTrue(() -> store.pendingCount() == 0);
    }

    @Test
    void failedFlushKeepsTheValuesForTheNextOne() {
        FlakyStore delegate = new FlakyStore();
        BufferedCheckpointStore store = closeLater(BufferedCheckpointStore.wrap(delegate, NEVER));
        store.putAll(app, STREAM, Map.of("a", Checkpoint.at(SEQ_1), "b", Checkpoint.at(SEQ_2)));
        delegate.failing.set(true);
        assertThatThrownBy(store::flush)
                .isInstanceOf(CheckpointStoreException.class)
                .hasMessageContaining("injected");
        assertThat(store.failedFlushes()).isEqualTo(1);
        assertThat(store.pendingCount()).isEqualTo(2);

        delegate.failing.set(false);
        store.flush();
        assertThat(delegate.memory.getAll(app, STREAM))
                .isEqualTo(Map.of("a", Checkpoint.at(SEQ_1), "b", Checkpoint.at(SEQ_2)));
        assertThat(store.pendingCount()).isZero();
        assertThat(store.failedFlushes()).isEqualTo(1);
    }

    @Test
    void valuesPutDuringAnOutageAreNeitherLostNorRegressed() {
        FlakyStore delegate = new FlakyStore();
        BufferedCheckpointStore store = closeLater(BufferedCheckpointStore.wrap(delegate, NEVER));
        store.put(key("a"), Checkpoint.at(SEQ_1));
        store.flush();

        delegate.failing.set(true);
        store.put(key("a"), Checkpoint.at(SEQ_2));
        store.put(key("b"), Checkpoint.at(SEQ_2));
        assertThatThrownBy(store::flush).isInstanceOf(CheckpointStoreException.class);
        store.put(key("a"), Checkpoint.at(SEQ_3));
        store.put(key("b"), Checkpoint.at(SEQ_1));
        store.put(key("c"), Checkpoint.at(SEQ_1));
        assertThatThrownBy(store::flush).isInstanceOf(CheckpointStoreException.class);

        delegate.failing.set(false);
        store.flush();
        assertThat(delegate.memory.getAll(app, STREAM))
                .isEqualTo(
                        Map.of(
                                "a", Checkpoint.at(SEQ_3),
                                "b", Checkpoint.at(SEQ_2),
                                "c", Checkpoint.at(SEQ_1)));
    }

    @Test
    void valuePutWhileAFlushIsWritingIsKept() throws Exception {
        FlakyStore delegate = new FlakyStore();
        BufferedCheckpointStore store = closeLater(BufferedCheckpointStore.wrap(delegate, NEVER));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            for (boolean fail : new boolean[] {false, true}) {
                String shard = "during-" + fail;
                store.put(key(shard), Checkpoint.at(SEQ_1));
                delegate.failing.set(fail);
                delegate.block();
                Future<?> flushing = pool.submit(store::flush);
                delegate.awaitBlocked();
                store.put(key(shard), Checkpoint.at(SEQ_2));
                delegate.unblock();
                if (fail) {
                    assertThatThrownBy(() -> flushing.get(10, TimeUnit.SECONDS))
                            .hasCauseInstanceOf(CheckpointStoreException.class);
                } else {
                    flushing.get(10, TimeUnit.SECONDS);
                    assertThat(delegate.memory.get(key(shard))).contains(Checkpoint.at(SEQ_1));
                }
                assertThat(store.pendingCount()).isEqualTo(1);
                delegate.failing.set(false);
                store.flush();
                assertThat(delegate.memory.get(key(shard))).contains(Checkpoint.at(SEQ_2));
                assertThat(store.pendingCount()).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void backgroundFailuresAreCountedAndRetried() {
        FlakyStore delegate = new FlakyStore();
        BufferedCheckpointStore store =
                closeLater(BufferedCheckpointStore.wrap(delegate, Duration.ofMillis(20)));
        delegate.failing.set(true);
        store.put(key("a"), Checkpoint.at(SEQ_1));
        awaitTrue(() -> store.failedFlushes() >= 3);
        delegate.failing.set(false);
        awaitTrue(() -> delegate.memory.get(key("a")).isPresent());
        long failed = store.failedFlushes();
        store.put(key("a"), Checkpoint.at(SEQ_2));
        awaitTrue(() -> delegate.memory.get(key("a")).equals(Optional.of(Checkpoint.at(SEQ_2))));
        assertThat(store.failedFlushes()).isEqualTo(failed);
    }

    @Test
    void closeFlushesAndClosesTheDelegate() {
        FlakyStore delegate = new FlakyStore();
        BufferedCheckpointStore store = BufferedCheckpointStore.wrap(delegate, NEVER);
        store.put(key("a"), Checkpoint.at(SEQ_1));
        store.close();
        assertThat(delegate.memory.get(key("a"))).contains(Checkpoint.at(SEQ_1));
        assertThat(delegate.closed).isTrue();
        assertThatThrownBy(() -> store.put(key("a"), Checkpoint.at(SEQ_2)))
                .isInstanceOf(CheckpointStoreException.class);
        store.close();
    }

    @Test
    void closeClosesTheDelegateEvenIfTheLastFlushFails() {
        FlakyStore delegate = new FlakyStore();
        BufferedCheckpointStore store = BufferedCheckpointStore.wrap(delegate, NEVER);
        store.put(key("a"), Checkpoint.at(SEQ_1));
        delegate.failing.set(true);
        assertThatThrownBy(store::close)
                .isInstanceOf(CheckpointStoreException.class)
                .hasMessageContaining("injected");
        assertThat(delegate.closed).isTrue();
    }

    @Test
    void deleteDropsTheBufferedCheckpoint() {
        FlakyStore delegate = new FlakyStore();
        BufferedCheckpointStore store = closeLater(BufferedCheckpointStore.wrap(delegate, NEVER));
        store.put(key("a"), Checkpoint.at(SEQ_1));
        store.flush();
        store.put(key("a"), Checkpoint.at(SEQ_2));
        store.delete(key("a"));
        assertThat(store.get(key("a"))).isEmpty();
        store.flush();
        assertThat(delegate.memory.get(key("a"))).isEmpty();
    }

    @Test
    void concurrentPutsAndFlushesEndAtTheGreatest() throws Exception {
        FlakyStore delegate = new FlakyStore();
        BufferedCheckpointStore store =
                closeLater(BufferedCheckpointStore.wrap(delegate, Duration.ofMillis(1)));
        int writers = 4;
        int steps = 2_000;
        int shards = 5;
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean done = new AtomicBoolean();
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int w = 0; w < writers; w++) {
                int offset = w;
                futures.add(
                        pool.submit(
                                () -> {
                                    go.await();
                                    for (int i = 0; i < steps; i++) {
                                        int v = offset % 2 == 0 ? i : steps - 1 - i;
                                        String shard = "shard-" + (v % shards);
                                        store.put(
                                                key(shard),
                                                Checkpoint.at(SEQ_1 + String.format("%05d", v)));
                                        if (i % 97 == offset) {
                                            store.flush();
                                        }
                                    }
                                    return null;
                                }));
            }
            Future<?> flusher =
                    pool.submit(
                            () -> {
                                go.await();
                                while (!done.get()) {
                                    store.flush();
                                }
                                return null;
                            });
            go.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            done.set(true);
            flusher.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        store.flush();
        Map<String, Checkpoint> stored = delegate.memory.getAll(app, STREAM);
        assertThat(stored).hasSize(shards);
        for (int s = 0; s < shards; s++) {
            int greatest = steps - 1;
            while (greatest % shards != s) {
                greatest--;
            }
            assertThat(stored.get("shard-" + s))
                    .isEqualTo(Checkpoint.at(SEQ_1 + String.format("%05d", greatest)));
        }
        assertThat(store.failedFlushes()).isZero();
    }

    @Test
    void overRedisThroughAnOutage() throws Exception {
        InetSocketAddress server = serverAddress();
        TcpProxy proxy = closeLater(new TcpProxy(server.getHostString(), server.getPort()));
        BufferedCheckpointStore store =
                closeLater(
                        BufferedCheckpointStore.wrap(
                                RedisCheckpointStore.builder()
                                        .url("redis://" + proxy.host() + ":" + proxy.port())
                                        .build(),
                                NEVER));
        CheckpointStore direct = closeLater(RedisCheckpointStore.builder().url(REDIS_URL).build());
        store.putAll(app, STREAM, Map.of("a", Checkpoint.at(SEQ_1), "b", Checkpoint.at(SEQ_1)));
        store.flush();

        proxy.goDark();
        store.put(key("a"), Checkpoint.at(SEQ_2));
        assertThatThrownBy(store::flush).isInstanceOf(CheckpointStoreException.class);
        store.put(key("a"), Checkpoint.of(SEQ_2, 5, false));
        store.put(key("b"), Checkpoint.at(SEQ_3));
        store.put(key("c"), Checkpoint.at(SEQ_1).asFinished());
        assertThatThrownBy(store::flush).isInstanceOf(CheckpointStoreException.class);
        assertThat(store.failedFlushes()).isEqualTo(2);
        assertThat(direct.getAll(app, STREAM))
                .isEqualTo(Map.of("a", Checkpoint.at(SEQ_1), "b", Checkpoint.at(SEQ_1)));

        proxy.restore();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                store.flush();
                break;
            } catch (CheckpointStoreException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
        assertThat(store.pendingCount()).isZero();
        assertThat(direct.getAll(app, STREAM))
                .isEqualTo(
                        Map.of(
                                "a", Checkpoint.of(SEQ_2, 5, false),
                                "b", Checkpoint.at(SEQ_3),
                                "c", Checkpoint.at(SEQ_1).asFinished()));
    }

    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** An in-memory store that can be made to fail, or to hold a putAll until released. */
    private static final class FlakyStore implements CheckpointStore {
        final InMemoryCheckpointStore memory = new InMemoryCheckpointStore();
        final AtomicBoolean failing = new AtomicBoolean();
        final AtomicInteger putAllCalls = new AtomicInteger();
        volatile boolean closed;
        private volatile CountDownLatch release;
        private volatile CountDownLatch blocked;

        void block() {
            blocked = new CountDownLatch(1);
            release = new CountDownLatch(1);
        }

        void awaitBlocked() throws InterruptedException {
            assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
        }

        void unblock() {
            CountDownLatch r = release;
            release = null;
            r.countDown();
        }

        private void check() {
            if (failing.get()) {
                throw new CheckpointStoreException("injected failure");
            }
        }

        @Override
        public Optional<Checkpoint> get(CheckpointKey key) {
            check();
            return memory.get(key);
        }

        @Override
        public Map<String, Checkpoint> getAll(String appName, String streamName) {
            check();
            return memory.getAll(appName, streamName);
        }

        @Override
        public void putAll(String appName, String streamName, Map<String, Checkpoint> batch) {
            putAllCalls.incrementAndGet();
            CountDownLatch r = release;
            if (r != null) {
                blocked.countDown();
                try {
                    r.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            check();
            memory.putAll(appName, streamName, batch);
        }

        @Override
        public void delete(CheckpointKey key) {
            check();
            memory.delete(key);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
