package io.github.kinesisconsumer.migration;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.migration.PriorPosition.Kind;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.dynamodb.DynamoDbCheckpointStore;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link GoGroupPositions} on DynamoDB Local: a lease table with rows as harlow/kinesis-consumer's
 * {@code group/consumergroup/ddb} repository writes them ({@code LEASE#<shard>} and {@code
 * WORKER#<id>} under {@code <group>#<stream>}: owner, expiry, parents, {@code completed} as a
 * BOOL), and the group's checkpoint store, Go's DynamoDB layout, with rows as Go's {@code
 * store/ddb} writes them ({@code namespace} {@code <app>-<stream>}, {@code shard_id}, {@code
 * sequence_number}, nothing else), read through this library's DynamoDB store.
 */
class GoGroupPositionsTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    static final String DYNAMODB = env("KC_DYNAMODB_ENDPOINT", "http://127.0.0.1:8000");
    static final String SEQ_A = "49590338271490256608559692538361571095921575989136588898";
    static final String SEQ_B = "49590338271490256608559692540925702759324208523137515618";
    static final String SEQ_C = "49590338271490256608559692541000000000000000000000000002";

    private final String leaseTable = "go-leases-" + UUID.randomUUID();
    private final String checkpointTable = "go-checkpoints-" + UUID.randomUUID();
    private final ClientSettings settings = ClientSettings.forEndpoint(DYNAMODB);
    private DynamoDbClient dynamo;
    private CheckpointStore store;

    @BeforeEach
    void setUp() {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");
        dynamo =
                DynamoDbClient.builder()
                        .endpointOverride(URI.create(DYNAMODB))
                        .region(Region.US_EAST_1)
                        .credentialsProvider(() -> AwsBasicCredentials.create("local", "local"))
                        .build();
        createGoTable(checkpointTable);
        store =
                DynamoDbCheckpointStore.builder()
                        .tableName(checkpointTable)
                        .clientSettings(settings)
                        .build();
    }

    @AfterEach
    void tearDown() {
        store.close();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        dynamo.close();
    }

    @Test
    void completedLeasesAreShardEndAndPositionsComeFromTheCheckpointStore() {
        createGoTable(leaseTable);
        String ns = "billing#orders";
        // parent read to its end and closed: CompleteLease; the store keeps its last record
        putLease(ns, "shardId-000000000000", "", 0, "", true);
        goCheckpoint("billing", "orders", "shardId-000000000000", SEQ_C);
        // a child part-read by a live worker
        putLease(
                ns,
                "shardId-000000000001",
                "worker-a",
                1_764_000_000_000L,
                "shardId-000000000000",
                false);
        goCheckpoint("billing", "orders", "shardId-000000000001", SEQ_A);
        // the other child leased but nothing processed yet
        putLease(
                ns,
                "shardId-000000000002",
                "worker-b",
                1_764_000_000_000L,
                "shardId-000000000000",
                false);
        // read before the group existed: a checkpoint without a lease row
        goCheckpoint("billing", "orders", "shardId-000000000003", SEQ_B);
        // heartbeat rows, another stream of the group, another group's checkpoints
        putWorker(ns, "worker-a");
        putLease("billing#payments", "shardId-000000000001", "", 0, "", true);
        goCheckpoint("shipping", "orders", "shardId-000000000002", SEQ_B);

        GoGroupPositions source =
                GoGroupPositions.builder()
                        .leaseTable(leaseTable)
                        .groupName("billing")
                        .streamName("orders")
                        .checkpointStore(store)
                        .dynamoDbSettings(settings)
                        .build();

        assertThat(source.read())
                .containsExactly(
                        PriorPosition.sentinel("orders", "shardId-000000000000", Kind.SHARD_END),
                        PriorPosition.after("orders", "shardId-000000000001", SEQ_A, -1),
                        PriorPosition.after("orders", "shardId-000000000003", SEQ_B, -1));
        assertThat(source.description())
                .contains("group 'billing' of stream 'orders'", "'" + leaseTable + "'");
    }

    @Test
    void theStoresApplicationNameCanDifferFromTheGroupName() {
        createGoTable(leaseTable);
        putLease("billing#orders", "shardId-000000000000", "worker-a", 1L, "", false);
        goCheckpoint("billing-ck", "orders", "shardId-000000000000", SEQ_A);
        goCheckpoint("billing", "orders", "shardId-000000000000", SEQ_B);

        assertThat(
                        GoGroupPositions.builder()
                                .leaseTable(leaseTable)
                                .groupName("billing")
                                .streamName("orders")
                                .checkpointStore(store)
                                .storeAppName("billing-ck")
                                .dynamoDbSettings(settings)
                                .build()
                                .read())
                .containsExactly(PriorPosition.after("orders", "shardId-000000000000", SEQ_A, -1));
    }

    /**
     * The tool with {@code --from=go-group}, onto the group's own store and name: the checkpoints
     * stay as the Go group left them and the parent the group finished gets this library's finished
     * marker, which the Go store could not hold.
     */
    @Test
    void theToolAddsTheShardsTheGroupFinishedToItsStore() {
        TestStream stream = KINESIS.createStream(1);
        String parent = stream.shardIds().get(0);
        List<WrittenRecord> written =
                new ArrayList<>(stream.put(20, i -> "key-" + (i % 8), i -> "a-" + i));
        stream.split(parent);
        List<String> children = new ArrayList<>(stream.shardIds());
        children.remove(parent);
        written.addAll(stream.put(40, i -> "key-" + (i % 8), i -> "b-" + i));
        String parentLast = last(written, parent).sequenceNumber;
        String childLast = last(written, children.get(0)).sequenceNumber;

        createGoTable(leaseTable);
        String ns = "billing#" + stream.name();
        putLease(ns, parent, "", 0, "", true);
        putLease(ns, children.get(0), "worker-a", 1L, parent, false);
        putLease(ns, children.get(1), "worker-b", 1L, parent, false);
        goCheckpoint("billing", stream.name(), parent, parentLast);
        goCheckpoint("billing", stream.name(), children.get(0), childLast);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit =
                MigratePositions.run(
                        new String[] {
                            "--from=go-group",
                            "--lease-table=" + leaseTable,
                            "--group=billing",
                            "--dynamodb.endpoint=" + DYNAMODB,
                            "--stream=" + stream.name(),
                            "--kinesis.endpoint=" + KINESIS.emulator().endpoint(),
                            "--app=billing",
                            "--checkpoint-store.type=dynamodb",
                            "--checkpoint-store.table=" + checkpointTable,
                            "--checkpoint-store.dynamodb.endpoint=" + DYNAMODB
                        },
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        String all = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        System.out.print(all);
        assertThat(exit).as(all).isZero();
        assertThat(all)
                .contains("harlow/kinesis-consumer group 'billing'")
                .contains(parent + "     FINISHED")
                .contains(children.get(0) + "     RESUME_AFTER   " + childLast);
        Map<String, Checkpoint> stored = store.getAll("billing", stream.name());
        assertThat(stored.get(parent).isFinished()).isTrue();
        assertThat(stored.get(children.get(0))).isEqualTo(Checkpoint.at(childLast));
        assertThat(stored).doesNotContainKey(children.get(1));
    }

    private static WrittenRecord last(List<WrittenRecord> written, String shardId) {
        WrittenRecord last = null;
        for (WrittenRecord w : written) {
            if (w.shardId.equals(shardId)) {
                last = w;
            }
        }
        return last;
    }

    @Test
    void badInputsAreRefusedNamingWhatToFix() {
        GoGroupPositions.Builder source =
                GoGroupPositions.builder()
                        .leaseTable(leaseTable)
                        .groupName("billing")
                        .streamName("orders")
                        .checkpointStore(store)
                        .dynamoDbSettings(settings);

        assertThatThrownBy(() -> source.build().read())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("there is no table '" + leaseTable + "'")
                .hasMessageContaining("give the group's lease table");

        createGoTable(leaseTable);
        putLease("billing#payments", "shardId-000000000000", "", 0, "", false);
        putWorker("billing#payments", "worker-a");
        putLease("shipping#orders", "shardId-000000000000", "", 0, "", false);
        assertThatThrownBy(() -> source.build().read())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no leases under 'billing#orders' (group#stream)")
                .hasMessageContaining("[billing#payments, shipping#orders]");

        // a KCL lease table
        String kcl = "kcl-" + leaseTable;
        dynamo.createTable(
                r ->
                        r.tableName(kcl)
                                .billingMode(BillingMode.PAY_PER_REQUEST)
                                .attributeDefinitions(attr("leaseKey"))
                                .keySchema(key("leaseKey", KeyType.HASH)));
        assertThatThrownBy(() -> source.leaseTable(kcl).build().read())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a harlow/kinesis-consumer lease table")
                .hasMessageContaining("[leaseKey]");

        assertThatThrownBy(
                        () ->
                                GoGroupPositions.builder()
                                        .leaseTable(leaseTable)
                                        .groupName("billing")
                                        .streamName("orders")
                                        .dynamoDbSettings(settings)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpointStore must be set");
    }

    // ---- rows as the Go library writes them ----

    /** A lease row after SyncShardLeases and ClaimLease / CompleteLease / ReleaseLease. */
    private void putLease(
            String namespace,
            String shardId,
            String owner,
            long expiresAtMillis,
            String parent,
            boolean completed) {
        Map<String, AttributeValue> row = new HashMap<>();
        row.put("namespace", s(namespace));
        row.put("shard_id", s("LEASE#" + shardId));
        row.put("lease_owner", s(owner));
        row.put("lease_expires_at", n(expiresAtMillis));
        row.put("parent_shard_id", s(parent));
        row.put("adjacent_parent_shard_id", s(""));
        row.put("completed", AttributeValue.builder().bool(completed).build());
        if (!owner.isEmpty()) {
            row.put("pending_owner", s(""));
            row.put("handoff_deadline", n(0));
        }
        dynamo.putItem(r -> r.tableName(leaseTable).item(row));
    }

    /** A heartbeat row as HeartbeatWorker puts it. */
    private void putWorker(String namespace, String workerId) {
        Map<String, AttributeValue> row = new HashMap<>();
        row.put("namespace", s(namespace));
        row.put("shard_id", s("WORKER#" + workerId));
        row.put("worker_id", s(workerId));
        row.put("worker_expires_at", n(1_764_000_000_000L));
        row.put("ttl", n(1_764_000_000L));
        dynamo.putItem(r -> r.tableName(leaseTable).item(row));
    }

    /** A checkpoint as Go's store/ddb writes it (a whole-item put of three strings). */
    private void goCheckpoint(String app, String stream, String shardId, String sequence) {
        Map<String, AttributeValue> row = new HashMap<>();
        row.put("namespace", s(app + "-" + stream));
        row.put("shard_id", s(shardId));
        row.put("sequence_number", s(sequence));
        dynamo.putItem(r -> r.tableName(checkpointTable).item(row));
    }

    private void createGoTable(String name) {
        dynamo.createTable(
                r ->
                        r.tableName(name)
                                .billingMode(BillingMode.PAY_PER_REQUEST)
                                .attributeDefinitions(attr("namespace"), attr("shard_id"))
                                .keySchema(
                                        key("namespace", KeyType.HASH),
                                        key("shard_id", KeyType.RANGE)));
    }

    private static AttributeDefinition attr(String name) {
        return AttributeDefinition.builder()
                .attributeName(name)
                .attributeType(ScalarAttributeType.S)
                .build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static AttributeValue s(String v) {
        return AttributeValue.builder().s(v).build();
    }

    private static AttributeValue n(long v) {
        return AttributeValue.builder().n(Long.toString(v)).build();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
