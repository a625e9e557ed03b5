package io.github.kinesisconsumer.store;

import io.github.kinesisconsumer.testing.TcpProxy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every {@link CheckpointStore} must do, run against the real server of each backend. Each
 * test uses a fresh application name, so tests never see each other's rows.
 */
public abstract class CheckpointStoreConformanceTest {

    protected static final String STREAM = "orders";

    protected String app;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** A store connected to the real server. */
    protected abstract CheckpointStore createStore();

    /**
     * A store connected through {@code host:port} (a proxy in front of the real server), or null if
     * the backend has no server (then the outage tests are skipped).
     */
    protected abstract CheckpointStore createStoreAt(String host, int port);

    /** Host and port of the real server, or null if there is none. */
    protected abstract java.net.InetSocketAddress serverAddress();

    @BeforeEach
    void newApp(TestInfo info) {
        app = "app-" + info.getTestMethod().get().getName() + "-" + UUID.randomUUID();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (CheckpointStoreException e) {
                // a buffering store may fail its last flush after an outage test; that is its job
            }
        }
        toClose.clear();
    }

    protected <T extends AutoCloseable> T closeLater(T c) {
        toClose.add(c);
        return c;
    }

    private CheckpointStore store() {
        return closeLater(createStore());
    }

    private static final String SEQ_1 = "49590338271490256608559692538361571095921575989136588801";
    private static final String SEQ_2 = "49590338271490256608559692538361571095921575989136588802";
    private static final String SEQ_3 = "49590338271490256608559692540925702759324208523137515522";

    @Test
    void roundTripAndMissing() {
        CheckpointStore store = store();
        CheckpointKey key = new CheckpointKey(app, STREAM, "shardId-000000000001");
        assertThat(store.get(key)).isEmpty();
        store.put(key, Checkpoint.at(SEQ_1));
        store.flush();
        assertThat(store.get(key)).contains(Checkpoint.at(SEQ_1));
        store.put(key, Checkpoint.of(SEQ_2, 7, false));
        store.flush();
        assertThat(store.get(key)).contains(Checkpoint.of(SEQ_2, 7, false));
        store.put(key, Checkpoint.of(SEQ_2, 7, true));
        store.flush();
        assertThat(store.get(key)).contains(Checkpoint.of(SEQ_2, 7, true));
    }

    @Test
    void batchPutAndGetAllAreScopedToAppAndStream() {
        CheckpointStore store = store();
        Map<String, Checkpoint> batch = new HashMap<>();
        for (int i = 0; i < 250; i++) {
            batch.put(String.format("shardId-%012d", i), Checkpoint.at(SEQ_1 + i));
        }
        store.putAll(app, STREAM, batch);
        store.putAll(app, "other-stream", Map.of("shardId-000000000000", Checkpoint.at(SEQ_3)));
        store.putAll(app + "-other", STREAM, Map.of("shardId-000000000000", Checkpoint.at(SEQ_3)));
        store.flush();
        assertThat(store.getAll(app, STREAM)).isEqualTo(batch);
        assertThat(store.getAll(app, "other-stream")).hasSize(1);
        assertThat(store.getAll(app + "-missing", STREAM)).isEmpty();
    }

    @Test
    void neverRegresses() {
        CheckpointStore store = store();
        CheckpointKey key = new CheckpointKey(app, STREAM, "shardId-000000000002");
        store.put(key, Checkpoint.of(SEQ_2, 3, false));
        store.flush();
        store.put(key, Checkpoint.at(SEQ_1));
        store.put(key, Checkpoint.of(SEQ_2, 2, false));
        store.put(key, Checkpoint.of(SEQ_2, 3, false));
        store.flush();
        assertThat(store.get(key)).contains(Checkpoint.of(SEQ_2, 3, false));

        // a shorter sequence number is smaller even if it sorts later as text
        store.put(key, Checkpoint.at("9" + SEQ_1.substring(0, 20)));
        store.flush();
        assertThat(store.get(key)).contains(Checkpoint.of(SEQ_2, 3, false));

        store.put(key, Checkpoint.of(SEQ_2, 3, true));
        store.put(key, Checkpoint.of(SEQ_2, 3, false));
        store.flush();
        assertThat(store.get(key)).contains(Checkpoint.of(SEQ_2, 3, true));

        store.putAll(
                app,
                STREAM,
                Map.of(
                        "shardId-000000000002",
                        Checkpoint.at(SEQ_1),
                        "shardId-000000000009",
                        Checkpoint.at(SEQ_1)));
        store.flush();
        assertThat(store.getAll(app, STREAM))
                .containsEntry("shardId-000000000002", Checkpoint.of(SEQ_2, 3, true))
                .containsEntry("shardId-000000000009", Checkpoint.at(SEQ_1));
    }

    @Test
    void concurrentWritersEndAtTheGreatest() throws Exception {
        int writers = 4;
        int steps = 60;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<CheckpointStore> stores = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            stores.add(store());
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            CheckpointStore s = stores.get(w);
            int offset = w;
            futures.add(
                    pool.submit(
                            () -> {
                                go.await();
                                for (int i = 0; i < steps; i++) {
                                    // writers interleave ascending and descending values
                                    int v = offset % 2 == 0 ? i : steps - 1 - i;
                                    s.putAll(
                                            app,
                                            STREAM,
                                            Map.of(
                                                    "shardId-000000000000",
                                                    Checkpoint.at(SEQ_1 + String.format("%03d", v)),
                                                    "shardId-000000000001",
                                                    Checkpoint.at(SEQ_2, v)));
                                }
                                s.flush();
                                return null;
                            }));
        }
        go.countDown();
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        Map<String, Checkpoint> all = stores.get(0).getAll(app, STREAM);
        assertThat(all.get("shardId-000000000000"))
                .isEqualTo(Checkpoint.at(SEQ_1 + String.format("%03d", steps - 1)));
        assertThat(all.get("shardId-000000000001")).isEqualTo(Checkpoint.at(SEQ_2, steps - 1));
    }

    @Test
    void unicodeAndLongShardIds() {
        CheckpointStore store = store();
        String unicode = "shard-ünïcödé-日本語-🚀";
        StringBuilder longId = new StringBuilder("shardId-");
        while (longId.length() < 200) {
            longId.append("0123456789");
        }
        store.putAll(
                app,
                STREAM,
                Map.of(unicode, Checkpoint.at(SEQ_1), longId.toString(), Checkpoint.at(SEQ_2)));
        store.flush();
        assertThat(store.getAll(app, STREAM))
                .containsEntry(unicode, Checkpoint.at(SEQ_1))
                .containsEntry(longId.toString(), Checkpoint.at(SEQ_2));
        assertThat(store.get(new CheckpointKey(app, STREAM, unicode)))
                .contains(Checkpoint.at(SEQ_1));
    }

    @Test
    void deleteRemovesOneShard() {
        CheckpointStore store = store();
        store.putAll(app, STREAM, Map.of("a", Checkpoint.at(SEQ_1), "b", Checkpoint.at(SEQ_2)));
        store.flush();
        store.delete(new CheckpointKey(app, STREAM, "a"));
        store.delete(new CheckpointKey(app, STREAM, "never-written"));
        assertThat(store.getAll(app, STREAM)).containsOnlyKeys("b");
    }

    @Test
    void unreachableServerGivesAClearException() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        assumeTrue(serverAddress() != null, "no server");
        CheckpointStore store = closeLater(createStoreAt("127.0.0.1", closedPort));
        CheckpointKey key = new CheckpointKey(app, STREAM, "s");
        assertThatThrownBy(() -> store.get(key)).isInstanceOf(CheckpointStoreException.class);
        assertThatThrownBy(
                        () -> {
                            store.put(key, Checkpoint.at(SEQ_1));
                            store.flush();
                        })
                .isInstanceOf(CheckpointStoreException.class);
    }

    @Test
    void outageFailsClearlyAndNothingIsLostAfterItEnds() throws Exception {
        java.net.InetSocketAddress server = serverAddress();
        assumeTrue(server != null, "no server");
        TcpProxy proxy = closeLater(new TcpProxy(server.getHostString(), server.getPort()));
        CheckpointStore store = closeLater(createStoreAt(proxy.host(), proxy.port()));
        CheckpointKey key = new CheckpointKey(app, STREAM, "shardId-000000000005");
        store.put(key, Checkpoint.at(SEQ_1));
        store.flush();

        proxy.goDark();
        assertThatThrownBy(() -> store.get(key)).isInstanceOf(CheckpointStoreException.class);
        assertThatThrownBy(
                        () -> {
                            store.put(key, Checkpoint.at(SEQ_2));
                            store.flush();
                        })
                .isInstanceOf(CheckpointStoreException.class);

        proxy.restore();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                store.put(key, Checkpoint.at(SEQ_3));
                store.flush();
                break;
            } catch (CheckpointStoreException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
        assertThat(store.get(key)).contains(Checkpoint.at(SEQ_3));
        assertThat(closeLater(createStore()).get(key)).contains(Checkpoint.at(SEQ_3));
    }
}
