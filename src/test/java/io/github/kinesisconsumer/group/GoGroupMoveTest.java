package io.github.kinesisconsumer.group;

import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.jdbc.PostgresCheckpointStore;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.LocalDynamoDb;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Moving a harlow/kinesis-consumer consumer group: its DynamoDB lease rows name owners, its
 * checkpoint store holds the positions (rows inserted with the Go PostgreSQL store's three columns
 * only, as the Go code writes them). Two of our workers on their own lease table and the same store
 * and app name read exactly the records after the Go group's checkpoints, and never touch the Go
 * lease table. kinesis-local, DynamoDB Local, PostgreSQL.
 */
class GoGroupMoveTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    private static final String PG =
            System.getenv().getOrDefault("KC_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String STORE_TABLE = "kc_go_group_move";

    @Test
    void ourGroupContinuesExactlyAfterTheGoGroupsCheckpoints() throws Exception {
        TestStream stream = KINESIS.createStream(4);
        String app = "go-app-" + UUID.randomUUID();
        List<WrittenRecord> written = stream.put(400, i -> "key-" + (i % 25), i -> "r-" + i);
        Map<String, WrittenRecord> goCheckpoints = new HashMap<>();
        int n = 0;
        for (String shard : stream.shardIds()) {
            int at = 10 * ++n;
            int seen = 0;
            for (WrittenRecord w : written) {
                if (w.shardId.equals(shard) && ++seen == at) {
                    goCheckpoints.put(shard, w);
                }
            }
        }

        String goLeases = "go-leases-" + UUID.randomUUID();
        List<Map<String, AttributeValue>> goRows;
        try (DynamoDbClient ddb = dynamo()) {
            ddb.createTable(
                    r ->
                            r.tableName(goLeases)
                                    .billingMode(BillingMode.PAY_PER_REQUEST)
                                    .attributeDefinitions(
                                            a ->
                                                    a.attributeName("namespace")
                                                            .attributeType(ScalarAttributeType.S),
                                            a ->
                                                    a.attributeName("shard_id")
                                                            .attributeType(ScalarAttributeType.S))
                                    .keySchema(
                                            k -> k.attributeName("namespace").keyType(KeyType.HASH),
                                            k ->
                                                    k.attributeName("shard_id")
                                                            .keyType(KeyType.RANGE)));
            String namespace = app + "#" + stream.name();
            for (String shard : stream.shardIds()) {
                ddb.putItem(
                        r ->
                                r.tableName(goLeases)
                                        .item(
                                                Map.of(
                                                        "namespace",
                                                                AttributeValue.fromS(namespace),
                                                        "shard_id",
                                                                AttributeValue.fromS(
                                                                        "LEASE#" + shard),
                                                        "lease_owner",
                                                                AttributeValue.fromS("go-worker-1"),
                                                        "lease_expires_at",
                                                                AttributeValue.fromN(
                                                                        Long.toString(
                                                                                System
                                                                                                        .currentTimeMillis()
                                                                                                / 1000
                                                                                        - 60)))));
            }
            goRows = ddb.scan(r -> r.tableName(goLeases)).items();
        }

        try (CheckpointStore store = store()) {
            store.getAll(app, stream.name());
        }
        try (Connection c = DriverManager.getConnection(PG, "postgres", "");
                PreparedStatement insert =
                        c.prepareStatement(
                                "INSERT INTO "
                                        + STORE_TABLE
                                        + " (namespace, shard_id, sequence_number) VALUES (?, ?, ?)")) {
            for (Map.Entry<String, WrittenRecord> e : goCheckpoints.entrySet()) {
                insert.setString(1, app + "-" + stream.name());
                insert.setString(2, e.getKey());
                insert.setBigDecimal(3, new java.math.BigDecimal(e.getValue().sequenceNumber));
                insert.executeUpdate();
            }
        }

        List<String> expected = new ArrayList<>();
        for (WrittenRecord w : written) {
            if (new BigInteger(w.sequenceNumber)
                            .compareTo(new BigInteger(goCheckpoints.get(w.shardId).sequenceNumber))
                    > 0) {
                expected.add(w.text());
            }
        }
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        String ourLeases = "kc-leases-" + UUID.randomUUID();
        try (CheckpointStore storeA = store();
                CheckpointStore storeB = store();
                GroupWorker a =
                        new GroupWorker(
                                        "a",
                                        ourLeases,
                                        app,
                                        KINESIS.clientSettings(),
                                        stream.name(),
                                        storeA,
                                        deliveries)
                                .start();
                GroupWorker b =
                        new GroupWorker(
                                        "b",
                                        ourLeases,
                                        app,
                                        KINESIS.clientSettings(),
                                        stream.name(),
                                        storeB,
                                        deliveries)
                                .start()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (total(deliveries) < expected.size() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(2_000);
        }
        System.out.printf(
                "go group move: %d delivered, %d expected after the Go checkpoints%n",
                total(deliveries), expected.size());
        assertThat(deliveries.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(deliveries.values()).allMatch(c -> c.get() == 1);
        try (DynamoDbClient ddb = dynamo()) {
            assertThat(ddb.scan(r -> r.tableName(goLeases)).items())
                    .as("the Go lease table, untouched")
                    .containsExactlyInAnyOrderElementsOf(goRows);
        }
    }

    private static int total(Map<String, AtomicInteger> deliveries) {
        return deliveries.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private static CheckpointStore store() {
        return PostgresCheckpointStore.builder()
                .jdbcUrl(PG)
                .user("postgres")
                .tableName(STORE_TABLE)
                .createTable(true)
                .build();
    }

    private static DynamoDbClient dynamo() {
        return LocalDynamoDb.client("local");
    }
}
