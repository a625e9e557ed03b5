package io.github.kinesisconsumer.store.dynamodb;

import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointKey;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreConformanceTest;
import io.github.kinesisconsumer.store.CheckpointStoreException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
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

/** The conformance suite and the Go-compatible layout, on DynamoDB Local. */
class DynamoDbCheckpointStoreTest extends CheckpointStoreConformanceTest {

    private static final String TABLE = "kc-checkpoints-" + UUID.randomUUID();
    private static final String SEQ_A = "49590338271490256608559692538361571095921575989136588801";
    private static final String SEQ_B = "49590338271490256608559692540925702759324208523137515522";

    private static DynamoDbClientFactory.OwnedClient rawOwner;
    private static DynamoDbAsyncClient raw;

    @BeforeAll
    static void createTable() throws Exception {
        DynamoDbLocal.ensureRunning();
        rawOwner = DynamoDbLocal.rawClient();
        raw = rawOwner.client();
        DynamoDbCheckpointStore.builder()
                .tableName(TABLE)
                .clientSettings(DynamoDbLocal.settings(DynamoDbLocal.endpoint()))
                .createTable(true)
                .build()
                .close();
    }

    @AfterAll
    static void dropTable() {
        if (raw != null) {
            raw.deleteTable(r -> r.tableName(TABLE)).join();
            rawOwner.close();
        }
    }

    @Override
    protected CheckpointStore createStore() {
        return DynamoDbCheckpointStore.builder()
                .tableName(TABLE)
                .endpoint(DynamoDbLocal.endpoint())
                .region("us-east-1")
                .credentials(io.github.kinesisconsumer.kinesis.Credentials.basic("local", "local"))
                .build();
    }

    @Override
    protected CheckpointStore createStoreAt(String host, int port) {
        return DynamoDbCheckpointStore.builder()
                .tableName(TABLE)
                .clientSettings(DynamoDbLocal.settings("http://" + host + ":" + port))
                .build();
    }

    @Override
    protected InetSocketAddress serverAddress() {
        return DynamoDbLocal.address();
    }

    private void putRaw(String shardId, String sequenceNumber) {
        raw.putItem(
                        r ->
                                r.tableName(TABLE)
                                        .item(
                                                Map.of(
                                                        "namespace",
                                                        AttributeValue.fromS(
                                                                CheckpointKey.namespace(
                                                                        app, STREAM)),
                                                        "shard_id",
                                                        AttributeValue.fromS(shardId),
                                                        "sequence_number",
                                                        AttributeValue.fromS(sequenceNumber))))
                .join();
    }

    private Map<String, AttributeValue> getRaw(String shardId) {
        return raw.getItem(
                        r ->
                                r.tableName(TABLE)
                                        .consistentRead(true)
                                        .key(
                                                Map.of(
                                                        "namespace",
                                                        AttributeValue.fromS(
                                                                CheckpointKey.namespace(
                                                                        app, STREAM)),
                                                        "shard_id",
                                                        AttributeValue.fromS(shardId))))
                .join()
                .item();
    }

    @Test
    void readsAndAdvancesItemsWrittenByTheGoLibrary() {
        CheckpointStore store = closeLater(createStore());
        CheckpointKey key = new CheckpointKey(app, STREAM, "shardId-000000000003");
        putRaw(key.shardId(), SEQ_B);
        putRaw("shardId-000000000004", SEQ_A);

        assertThat(store.get(key)).contains(Checkpoint.at(SEQ_B));
        assertThat(store.getAll(app, STREAM))
                .containsOnly(
                        Map.entry(key.shardId(), Checkpoint.at(SEQ_B)),
                        Map.entry("shardId-000000000004", Checkpoint.at(SEQ_A)));

        store.put(key, Checkpoint.at(SEQ_A));
        store.put(key, Checkpoint.at(SEQ_B));
        assertThat(getRaw(key.shardId()))
                .containsOnlyKeys("namespace", "shard_id", "sequence_number")
                .containsEntry("sequence_number", AttributeValue.fromS(SEQ_B));

        store.put(key, Checkpoint.at(SEQ_B, 0));
        assertThat(store.get(key)).contains(Checkpoint.at(SEQ_B, 0));

        store.putAll(
                app,
                STREAM,
                Map.of(
                        key.shardId(),
                        Checkpoint.of(SEQ_B, 4, true),
                        "shardId-000000000004",
                        Checkpoint.at("1" + SEQ_A)));
        assertThat(getRaw(key.shardId()))
                .containsEntry("sequence_number", AttributeValue.fromS(SEQ_B))
                .containsEntry("sub_sequence_number", AttributeValue.fromN("4"))
                .containsEntry("finished", AttributeValue.fromBool(true))
                .containsKey("position_key");
        assertThat(store.getAll(app, STREAM))
                .containsOnly(
                        Map.entry(key.shardId(), Checkpoint.of(SEQ_B, 4, true)),
                        Map.entry("shardId-000000000004", Checkpoint.at("1" + SEQ_A)));

        store.put(key, Checkpoint.of(SEQ_B, 3, true));
        assertThat(store.get(key)).contains(Checkpoint.of(SEQ_B, 4, true));
    }

    @Test
    void insideAnAggregateTheGoAttributeKeepsAPositionFromWhichGoLosesNothing() {
        CheckpointStore store = closeLater(createStore());
        CheckpointKey key = new CheckpointKey(app, STREAM, "shardId-000000000008");
        putRaw(key.shardId(), "100");

        store.put(key, Checkpoint.of("300", 2, false));
        assertThat(getRaw(key.shardId()).get("sequence_number").s())
                .as("record before the aggregate unknown: the Go item's value is kept")
                .isEqualTo("100");
        assertThat(store.get(key)).contains(Checkpoint.of("300", 2, false));

        store.put(key, Checkpoint.of("300", 3, false));
        assertThat(getRaw(key.shardId()).get("sequence_number").s()).isEqualTo("100");

        store.put(key, Checkpoint.of("300", 5, false).withWholeRecordSequence("200"));
        assertThat(getRaw(key.shardId()).get("sequence_number").s()).isEqualTo("200");
        assertThat(store.get(key)).contains(Checkpoint.of("300", 5, false));
        assertThat(store.get(key).orElseThrow().wholeRecordSequence()).isEqualTo("200");

        store.put(key, Checkpoint.of("300", 9, true));
        assertThat(getRaw(key.shardId()).get("sequence_number").s()).isEqualTo("300");
        assertThat(store.get(key)).contains(Checkpoint.of("300", 9, true));
    }

    @Test
    void theGoLibraryCanStillOverwriteOurItemsAndWeReadThem() {
        CheckpointStore store = closeLater(createStore());
        CheckpointKey key = new CheckpointKey(app, STREAM, "shardId-000000000006");
        store.put(key, Checkpoint.of(SEQ_A, 2, false));
        putRaw(key.shardId(), SEQ_B);
        assertThat(store.get(key)).contains(Checkpoint.at(SEQ_B));
        store.put(key, Checkpoint.at(SEQ_A));
        assertThat(store.get(key)).contains(Checkpoint.at(SEQ_B));
    }

    @Test
    void concurrentWritersOverAGoItemEndAtTheGreatest() throws Exception {
        CheckpointKey key = new CheckpointKey(app, STREAM, "shardId-000000000007");
        putRaw(key.shardId(), SEQ_A);
        int writers = 6;
        List<CheckpointStore> stores = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            stores.add(closeLater(createStore()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            CheckpointStore store = stores.get(w);
            int sub = w;
            futures.add(
                    pool.submit(
                            () -> {
                                go.await();
                                store.put(key, Checkpoint.at(SEQ_A, sub));
                                return null;
                            }));
        }
        go.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(stores.get(0).get(key)).contains(Checkpoint.at(SEQ_A, writers - 1));
    }

    @Test
    void aFailedShardIsNamedAndTheOthersAreWritten() {
        CheckpointStore store = closeLater(createStore());
        String tooLong = "x".repeat(1100);
        assertThatThrownBy(
                        () ->
                                store.putAll(
                                        app,
                                        STREAM,
                                        Map.of(
                                                "shardId-000000000001",
                                                Checkpoint.at(SEQ_A),
                                                tooLong,
                                                Checkpoint.at(SEQ_A))))
                .isInstanceOf(CheckpointStoreException.class)
                .hasMessageContaining(TABLE)
                .hasMessageContaining("1 of 2 shards")
                .hasMessageContaining(tooLong);
        assertThat(store.getAll(app, STREAM))
                .containsOnly(Map.entry("shardId-000000000001", Checkpoint.at(SEQ_A)));
    }

    @Test
    void aMissingTableFailsWithAHint() {
        String missing = "kc-missing-" + UUID.randomUUID();
        CheckpointStore store =
                closeLater(
                        DynamoDbCheckpointStore.builder()
                                .tableName(missing)
                                .clientSettings(DynamoDbLocal.settings(DynamoDbLocal.endpoint()))
                                .createTable(false)
                                .build());
        CheckpointKey key = new CheckpointKey(app, STREAM, "s");
        assertThatThrownBy(() -> store.get(key))
                .isInstanceOf(CheckpointStoreException.class)
                .hasMessageContaining(missing)
                .hasMessageContaining("createTable(true)");
        assertThatThrownBy(() -> store.getAll(app, STREAM))
                .isInstanceOf(CheckpointStoreException.class)
                .hasMessageContaining("createTable(true)");
        assertThatThrownBy(() -> store.put(key, Checkpoint.at(SEQ_A)))
                .isInstanceOf(CheckpointStoreException.class)
                .hasMessageContaining(missing)
                .hasMessageContaining("createTable(true)");
    }

    @Test
    void anUnparsableStoredValueNamesTheKeyAndWhatWasFound() {
        CheckpointStore store = closeLater(createStore());
        putRaw("shardId-000000000003", "not-a-number");
        CheckpointKey key = new CheckpointKey(app, STREAM, "shardId-000000000003");
        assertThatThrownBy(() -> store.get(key))
                .isInstanceOf(CheckpointStoreException.class)
                .hasMessageContaining(TABLE)
                .hasMessageContaining(
                        "unreadable checkpoint for namespace '"
                                + key.namespace()
                                + "' shard 'shardId-000000000003'")
                .hasMessageContaining("but was 'not-a-number'");
        assertThatThrownBy(() -> store.getAll(app, STREAM))
                .isInstanceOf(CheckpointStoreException.class)
                .hasMessageContaining("shard 'shardId-000000000003'");
    }

    @Test
    void createTableIsIdempotentAndChecksTheKeySchema() {
        closeLater(
                DynamoDbCheckpointStore.builder()
                        .tableName(TABLE)
                        .clientSettings(DynamoDbLocal.settings(DynamoDbLocal.endpoint()))
                        .createTable(true)
                        .build());

        String other = "kc-other-schema-" + UUID.randomUUID();
        raw.createTable(
                        r ->
                                r.tableName(other)
                                        .billingMode("PAY_PER_REQUEST")
                                        .keySchema(k -> k.attributeName("id").keyType("HASH"))
                                        .attributeDefinitions(
                                                a -> a.attributeName("id").attributeType("S")))
                .join();
        try {
            assertThatThrownBy(
                            () ->
                                    DynamoDbCheckpointStore.builder()
                                            .tableName(other)
                                            .clientSettings(
                                                    DynamoDbLocal.settings(
                                                            DynamoDbLocal.endpoint()))
                                            .createTable(true)
                                            .build())
                    .isInstanceOf(CheckpointStoreException.class)
                    .hasMessageContaining(other)
                    .hasMessageContaining("hash key 'namespace'");
        } finally {
            raw.deleteTable(r -> r.tableName(other)).join();
        }
    }

    @Test
    void aUserClientIsNotClosed() {
        try (DynamoDbClientFactory.OwnedClient owner = DynamoDbLocal.rawClient()) {
            DynamoDbAsyncClient mine = owner.client();
            CheckpointKey key = new CheckpointKey(app, STREAM, "s");
            DynamoDbCheckpointStore.builder().tableName(TABLE).client(mine).build().close();
            try (CheckpointStore store =
                    DynamoDbCheckpointStore.builder().tableName(TABLE).client(mine).build()) {
                store.put(key, Checkpoint.at(SEQ_A));
                assertThat(store.get(key)).contains(Checkpoint.at(SEQ_A));
            }
        }
    }
}
