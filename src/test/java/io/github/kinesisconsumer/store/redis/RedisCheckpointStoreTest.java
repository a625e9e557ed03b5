package io.github.kinesisconsumer.store.redis;

import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointKey;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreConformanceTest;
import io.github.kinesisconsumer.store.CheckpointStoreException;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPooled;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisCheckpointStoreTest extends CheckpointStoreConformanceTest {

    static final String URL = redisUrl();

    private static final String SEQ_1 = "49590338271490256608559692538361571095921575989136588801";
    private static final String SEQ_2 = "49590338271490256608559692538361571095921575989136588802";

    static String redisUrl() {
        String fromEnv = System.getenv("KC_REDIS_URL");
        return fromEnv == null || fromEnv.isEmpty() ? "redis://127.0.0.1:6379" : fromEnv;
    }

    @Override
    protected CheckpointStore createStore() {
        return RedisCheckpointStore.builder().url(URL).build();
    }

    @Override
    protected CheckpointStore createStoreAt(String host, int port) {
        return RedisCheckpointStore.builder().url("redis://" + host + ":" + port).build();
    }

    @Override
    protected InetSocketAddress serverAddress() {
        URI uri = URI.create(URL);
        return new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
    }

    private JedisPooled raw() {
        return closeLater(new JedisPooled(URI.create(URL)));
    }

    @Test
    void keyWrittenByTheGoLibraryReadsAsPlainCheckpointAndNeverRegresses() {
        CheckpointStore store = closeLater(createStore());
        JedisPooled raw = raw();
        raw.set(app + ":checkpoint:" + STREAM + ":shardId-000000000001", SEQ_2);
        CheckpointKey key = new CheckpointKey(app, STREAM, "shardId-000000000001");

        assertThat(store.get(key)).contains(Checkpoint.at(SEQ_2));
        assertThat(store.getAll(app, STREAM))
                .isEqualTo(Map.of("shardId-000000000001", Checkpoint.at(SEQ_2)));

        store.put(key, Checkpoint.of(SEQ_1, 9, true));
        assertThat(raw.get(app + ":checkpoint:" + STREAM + ":shardId-000000000001"))
                .isEqualTo(SEQ_2);
        assertThat(store.get(key)).contains(Checkpoint.at(SEQ_2));

        store.put(key, Checkpoint.of(SEQ_2, 4, false));
        assertThat(raw.get(app + ":checkpoint:" + STREAM + ":shardId-000000000001"))
                .as("the Go library's key keeps holding just the sequence number")
                .isEqualTo(SEQ_2);
        assertThat(store.get(key)).contains(Checkpoint.of(SEQ_2, 4, false));

        // the Go library moves the key on; the meta key of the older position no longer applies
        String seq3 = SEQ_2.substring(0, SEQ_2.length() - 1) + "9";
        raw.set(app + ":checkpoint:" + STREAM + ":shardId-000000000001", seq3);
        assertThat(store.get(key)).contains(Checkpoint.at(seq3));
        assertThat(store.getAll(app, STREAM)).containsEntry(key.shardId(), Checkpoint.at(seq3));
    }

    @Test
    void insideAnAggregateTheGoKeyKeepsAPositionFromWhichGoLosesNothing() {
        CheckpointStore store = closeLater(createStore());
        JedisPooled raw = raw();
        String goKey = app + ":checkpoint:" + STREAM + ":s";
        CheckpointKey key = new CheckpointKey(app, STREAM, "s");
        store.put(key, Checkpoint.at("100"));

        store.put(key, Checkpoint.of("300", 2, false));
        assertThat(raw.get(goKey)).as("record before the aggregate unknown: kept").isEqualTo("100");
        assertThat(store.get(key)).contains(Checkpoint.of("300", 2, false));

        store.put(key, Checkpoint.of("300", 5, false).withWholeRecordSequence("200"));
        assertThat(raw.get(goKey)).isEqualTo("200");
        assertThat(store.get(key)).contains(Checkpoint.of("300", 5, false));
        assertThat(store.get(key).orElseThrow().wholeRecordSequence()).isEqualTo("200");

        // the Go library, behind, saves 250: our exact position still counts
        raw.set(goKey, "250");
        assertThat(store.get(key)).contains(Checkpoint.of("300", 5, false));
        // the Go library moves past the aggregate: our columns no longer count
        raw.set(goKey, "301");
        assertThat(store.get(key)).contains(Checkpoint.at("301"));
        store.put(key, Checkpoint.of("300", 9, true));
        assertThat(store.get(key)).contains(Checkpoint.at("301"));
        assertThat(raw.get(goKey)).isEqualTo("301");
    }

    @Test
    void sequenceNumbersCompareNumerically() {
        CheckpointStore store = closeLater(createStore());
        CheckpointKey key = new CheckpointKey(app, STREAM, "s");
        store.put(key, Checkpoint.at("100"));
        store.put(key, Checkpoint.at("99"));
        assertThat(store.get(key)).contains(Checkpoint.at("100"));
        store.put(key, Checkpoint.at("0000101"));
        assertThat(store.get(key)).contains(Checkpoint.at("101"));
        store.put(key, Checkpoint.at("101"));
        assertThat(store.get(key).get().sequenceNumber()).isEqualTo("0000101");
        // equal in the first 15-digit chunk, different in the last
        store.put(key, Checkpoint.at(SEQ_2));
        store.put(key, Checkpoint.at(SEQ_1));
        assertThat(store.get(key)).contains(Checkpoint.at(SEQ_2));
    }

    @Test
    void globCharactersInNamesDoNotMatchOtherKeys() {
        CheckpointStore store = closeLater(createStore());
        String[] apps = {app + "a*b", app + "a?b", app + "axb", app + "x?[y]", app + "xz[y]"};
        String[] streams = {"s*", "s[1]", "s1", "s\\", "s?"};
        for (String a : apps) {
            for (String s : streams) {
                store.put(new CheckpointKey(a, s, a + "|" + s), Checkpoint.at(SEQ_1));
            }
        }
        for (String a : apps) {
            for (String s : streams) {
                assertThat(store.getAll(a, s))
                        .as("%s / %s", a, s)
                        .isEqualTo(Map.of(a + "|" + s, Checkpoint.at(SEQ_1)));
            }
        }
    }

    @Test
    void writesTheWireFormat() {
        CheckpointStore store = closeLater(createStore());
        store.putAll(
                app, STREAM, Map.of("a", Checkpoint.of(SEQ_1, 3, true), "b", Checkpoint.at(SEQ_2)));
        JedisPooled raw = raw();
        assertThat(raw.get(app + ":checkpoint:" + STREAM + ":a")).isEqualTo(SEQ_1);
        assertThat(raw.get(app + ":checkpoint:" + STREAM + ":b")).isEqualTo(SEQ_2);
        assertThat(raw.get(app + ":checkpoint-meta:" + STREAM + ":a")).isEqualTo(SEQ_1 + ",3,1");
        store.delete(new CheckpointKey(app, STREAM, "a"));
        assertThat(raw.exists(app + ":checkpoint:" + STREAM + ":a")).isFalse();
        assertThat(raw.exists(app + ":checkpoint-meta:" + STREAM + ":a")).isFalse();
    }

    @Test
    void worksAfterTheServerForgetsTheScript() {
        CheckpointStore store = closeLater(createStore());
        CheckpointKey key = new CheckpointKey(app, STREAM, "s");
        store.put(key, Checkpoint.at(SEQ_1));
        raw().scriptFlush();
        store.put(key, Checkpoint.at(SEQ_2));
        assertThat(store.get(key)).contains(Checkpoint.at(SEQ_2));
    }

    @Test
    void corruptValueIsAnErrorNotAMissingCheckpoint() {
        CheckpointStore store = closeLater(createStore());
        raw().set(app + ":checkpoint:" + STREAM + ":s", "not-a-number");
        assertThatThrownBy(() -> store.get(new CheckpointKey(app, STREAM, "s")))
                .isInstanceOf(CheckpointStoreException.class)
                .hasMessageContaining(app + ":checkpoint:" + STREAM + ":s")
                .hasMessageContaining("'not-a-number'");
    }

    @Test
    void providedClientsWorkAndAreNotClosed() {
        JedisPooled pooled = raw();
        CheckpointKey key = new CheckpointKey(app, STREAM, "s");
        try (CheckpointStore store = RedisCheckpointStore.builder().jedis(pooled).build()) {
            store.put(key, Checkpoint.at(SEQ_1));
        }
        assertThat(pooled.get(app + ":checkpoint:" + STREAM + ":s")).isEqualTo(SEQ_1);
        try (JedisPool pool = new JedisPool(URI.create(URL))) {
            try (CheckpointStore store = RedisCheckpointStore.builder().jedisPool(pool).build()) {
                store.put(key, Checkpoint.at(SEQ_2));
                assertThat(store.getAll(app, STREAM)).containsEntry("s", Checkpoint.at(SEQ_2));
            }
            assertThat(pool.isClosed()).isFalse();
        }
    }

    @Test
    void passwordNeverAppearsInErrors() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String secret = "s3cr3t-Pa55";
        CheckpointKey key = new CheckpointKey(app, STREAM, "s");
        URI server = URI.create(URL);
        String[] urls = {
            "redis://:" + secret + "@127.0.0.1:" + closedPort,
            "redis://someone:" + secret + "@127.0.0.1:" + closedPort + "/2",
            // a reachable server that rejects the credentials
            "redis://nobody:" + secret + "@" + server.getHost() + ":" + server.getPort(),
        };
        for (String url : urls) {
            CheckpointStore store = closeLater(RedisCheckpointStore.builder().url(url).build());
            assertThat(store.toString()).doesNotContain(secret).contains("***");
            for (Runnable op :
                    new Runnable[] {
                        () -> store.get(key),
                        () -> store.getAll(app, STREAM),
                        () -> store.put(key, Checkpoint.at(SEQ_1)),
                        () -> store.delete(key)
                    }) {
                assertThatThrownBy(op::run)
                        .isInstanceOf(CheckpointStoreException.class)
                        .hasMessageStartingWith("Redis checkpoint store redis://")
                        .satisfies(e -> assertNoSecret(e, secret));
            }
        }
        assertThatThrownBy(
                        () ->
                                RedisCheckpointStore.builder()
                                        .url("redis://:" + secret + "@ho st")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertNoSecret(e, secret));
        assertThatThrownBy(
                        () ->
                                RedisCheckpointStore.builder()
                                        .url("http://:" + secret + "@host")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertNoSecret(e, secret));
    }

    private static void assertNoSecret(Throwable e, String secret) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
            assertThat(t.toString()).doesNotContain(secret);
        }
    }

    @Test
    void errorMessagesNameTheStoreAndTheOperation() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        CheckpointStore store =
                closeLater(
                        RedisCheckpointStore.builder()
                                .url("redis://127.0.0.1:" + closedPort)
                                .build());
        assertThatThrownBy(() -> store.putAll(app, STREAM, Map.of("s", Checkpoint.at(SEQ_1))))
                .isInstanceOf(CheckpointStoreException.class)
                .hasMessageContaining("redis://127.0.0.1:" + closedPort)
                .hasMessageContaining("putAll " + app + "/" + STREAM);
    }

    @Test
    void builderRejectsBadConfiguration() {
        assertThatThrownBy(() -> RedisCheckpointStore.builder().build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> RedisCheckpointStore.builder().url("redis://").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisCheckpointStore.builder().url("redis://h/x").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisCheckpointStore.builder().maxTotal(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
