package io.github.kinesisconsumer.migration;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.migration.PriorPosition.Kind;
import io.github.kinesisconsumer.store.dynamodb.DynamoDbCheckpointStore;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link KclLeaseTablePositions} on DynamoDB Local, against lease tables whose rows are written as
 * the KCL writes them: {@code DynamoDBLeaseSerializer} (single-stream), {@code
 * DynamoDBMultiStreamLeaseSerializer} (multi-stream: lease key {@code account:stream:epoch:shard},
 * {@code streamName} and {@code shardId}), and, since KCL 3.5, the other entities the KCL keeps in
 * the lease table ({@code entityType}). Attribute names and types were taken from the KCL's source;
 * no KCL worker is run.
 */
class KclLeaseTablePositionsTest {

    static final String DYNAMODB = env("KC_DYNAMODB_ENDPOINT", "http://127.0.0.1:8000");
    static final String SEQ_A = "49590338271490256608559692538361571095921575989136588898";
    static final String SEQ_B = "49590338271490256608559692540925702759324208523137515618";
    static final String SEQ_C = "49590338271490256608559692541000000000000000000000000002";

    private final String table = "kcl-app-" + UUID.randomUUID();
    private final ClientSettings settings = ClientSettings.forEndpoint(DYNAMODB);
    private DynamoDbClient dynamo;

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
    }

    @AfterEach
    void tearDown() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        dynamo.close();
    }

    @Test
    void singleStreamTableEverySentinelAndSubSequence() {
        createLeaseTable(table);
        // KCL 2.x rows (no entityType) and KCL 3.5 rows (entityType LEASE) side by side
        put(lease("shardId-000000000000", "SHARD_END", 0, false));
        put(
                withChildren(
                        lease("shardId-000000000001", "SHARD_END", 0, true),
                        "shardId-000000000003",
                        "shardId-000000000004"));
        put(lease("shardId-000000000002", "TRIM_HORIZON", 0, false));
        put(withParents(lease("shardId-000000000003", "LATEST", 0, true), "shardId-000000000001"));
        put(
                withParents(
                        lease("shardId-000000000004", "AT_TIMESTAMP", 0, false),
                        "shardId-000000000001"));
        // a plain record checkpointed by the KCL: sub-sequence 0
        put(lease("shardId-000000000005", SEQ_A, 0, true));
        // user record 7 of a KPL aggregate, and a prepared (never committed) checkpoint after it
        put(pending(lease("shardId-000000000006", SEQ_B, 7, false), SEQ_C, 2));
        // a lease the KCL created but never took, nothing checkpointed
        Map<String, AttributeValue> untaken =
                lease("shardId-000000000007", "TRIM_HORIZON", 0, true);
        untaken.remove("leaseOwner");
        put(untaken);

        List<PriorPosition> read = KclLeaseTablePositions.of(table, "orders", settings).read();

        assertThat(read)
                .containsExactlyInAnyOrder(
                        PriorPosition.sentinel("orders", "shardId-000000000000", Kind.SHARD_END),
                        PriorPosition.sentinel("orders", "shardId-000000000001", Kind.SHARD_END),
                        PriorPosition.sentinel("orders", "shardId-000000000002", Kind.TRIM_HORIZON),
                        PriorPosition.sentinel("orders", "shardId-000000000003", Kind.LATEST),
                        PriorPosition.sentinel("orders", "shardId-000000000004", Kind.AT_TIMESTAMP),
                        PriorPosition.after("orders", "shardId-000000000005", SEQ_A, 0),
                        PriorPosition.after("orders", "shardId-000000000006", SEQ_B, 7),
                        PriorPosition.sentinel(
                                "orders", "shardId-000000000007", Kind.TRIM_HORIZON));
    }

    @Test
    void kclStateOtherThanLeasesInTheLeaseTableIsSkipped() {
        createLeaseTable(table);
        put(lease("shardId-000000000000", SEQ_A, 0, true));
        // KCL 3.5 single-table mode: leader lock (written through the DynamoDB lock client),
        // client and table migration state, stream info, worker metrics, all keyed by leaseKey
        Map<String, AttributeValue> leader = new HashMap<>();
        leader.put("leaseKey", s("Leader"));
        leader.put("entityType", s("LEADER"));
        leader.put("ownerName", s("worker-1"));
        leader.put("leaseDuration", s("20000"));
        leader.put("recordVersionNumber", s(UUID.randomUUID().toString()));
        put(leader);
        put(entity("Migration3.0", "CLIENT_VERSION_MIGRATION"));
        put(entity("TableMigration3.5", "TABLE_MIGRATION"));
        put(entity("123456789012:orders:1700000000", "STREAM"));
        Map<String, AttributeValue> metrics = entity("worker-1", "WORKER_METRIC_STATS");
        metrics.put("lut", n(1_764_000_000L));
        metrics.put("sts", n(1_764_000_000L));
        put(metrics);

        assertThat(KclLeaseTablePositions.of(table, "orders", settings).read())
                .containsExactly(PriorPosition.after("orders", "shardId-000000000000", SEQ_A, 0));
    }

    @Test
    void multiStreamTableYieldsTheRowsOfTheStream() {
        createLeaseTable(table);
        String orders = "123456789012:orders:1700000000";
        String payments = "123456789012:payments:1700000500";
        put(multi(orders, "shardId-000000000000", "SHARD_END", 0));
        put(multi(orders, "shardId-000000000001", SEQ_A, 0));
        put(multi(orders, "shardId-000000000002", SEQ_B, 3));
        put(multi(orders, "shardId-000000000003", "TRIM_HORIZON", 0));
        put(multi(payments, "shardId-000000000000", SEQ_C, 0));
        put(multi(payments, "shardId-000000000001", "LATEST", 0));

        assertThat(KclLeaseTablePositions.of(table, "orders", settings).read())
                .containsExactlyInAnyOrder(
                        PriorPosition.sentinel("orders", "shardId-000000000000", Kind.SHARD_END),
                        PriorPosition.after("orders", "shardId-000000000001", SEQ_A, 0),
                        PriorPosition.after("orders", "shardId-000000000002", SEQ_B, 3),
                        PriorPosition.sentinel(
                                "orders", "shardId-000000000003", Kind.TRIM_HORIZON));
        assertThat(KclLeaseTablePositions.of(table, "payments", settings).read())
                .containsExactlyInAnyOrder(
                        PriorPosition.after("payments", "shardId-000000000000", SEQ_C, 0),
                        PriorPosition.sentinel("payments", "shardId-000000000001", Kind.LATEST));

        assertThatThrownBy(() -> KclLeaseTablePositions.of(table, "invoices", settings).read())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multi-stream table without leases of stream 'invoices'")
                .hasMessageContaining("[orders, payments]");
    }

    @Test
    void aStreamNameUnderSeveralIdentifiersIsReadByIdentifier() {
        createLeaseTable(table);
        String before = "123456789012:orders:1700000000";
        String recreated = "123456789012:orders:1800000000";
        put(multi(before, "shardId-000000000000", SEQ_C, 0));
        put(multi(recreated, "shardId-000000000000", SEQ_A, 0));

        assertThatThrownBy(() -> KclLeaseTablePositions.of(table, "orders", settings).read())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("several stream identifiers [" + before + ", " + recreated)
                .hasMessageContaining("give the identifier");
        assertThat(
                        KclLeaseTablePositions.builder()
                                .tableName(table)
                                .streamName(recreated)
                                .dynamoDbSettings(settings)
                                .build()
                                .read())
                .containsExactly(PriorPosition.after("orders", "shardId-000000000000", SEQ_A, 0));
        assertThatThrownBy(
                        () ->
                                KclLeaseTablePositions.builder()
                                        .tableName(table)
                                        .streamName("orders")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dynamoDbSettings(..) or dynamoDbClient(..)");
    }

    @Test
    void badTablesAreRefusedNamingWhatToFix() {
        assertThatThrownBy(() -> KclLeaseTablePositions.of(table, "orders", settings).read())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("there is no table '" + table + "'")
                .hasMessageContaining("give the KCL application's lease table");

        // our own checkpoint table (the same key as the Go library's)
        String ours = "ours-" + table;
        try (DynamoDbCheckpointStore store =
                DynamoDbCheckpointStore.builder()
                        .tableName(ours)
                        .clientSettings(settings)
                        .createTable(true)
                        .build()) {
            store.put(
                    new io.github.kinesisconsumer.store.CheckpointKey(
                            "app", "orders", "shardId-000000000000"),
                    io.github.kinesisconsumer.store.Checkpoint.at(SEQ_A));
        }
        assertThatThrownBy(() -> KclLeaseTablePositions.of(ours, "orders", settings).read())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a KCL lease table: its key is [namespace, shard_id]")
                .hasMessageContaining("a KCL lease table's is [leaseKey]");

        // a KCL 3.5 table holding only the KCL's other state: no leases
        createLeaseTable(table);
        put(entity("Migration3.0", "CLIENT_VERSION_MIGRATION"));
        assertThatThrownBy(() -> KclLeaseTablePositions.of(table, "orders", settings).read())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no leases");

        // a row with the right key but without the KCL's checkpoint
        Map<String, AttributeValue> odd = new HashMap<>();
        odd.put("leaseKey", s("shardId-000000000000"));
        odd.put("owner", s("someone"));
        put(odd);
        assertThatThrownBy(() -> KclLeaseTablePositions.of(table, "orders", settings).read())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease 'shardId-000000000000' has no checkpoint attribute");
    }

    // ---- rows as the KCL writes them ----

    /**
     * A single-stream lease as {@code DynamoDBLeaseSerializer.toDynamoRecord} writes it; {@code
     * kcl35} adds the {@code entityType} attribute (KCL 3.5) and 3.x's {@code throughputKBps}.
     */
    private static Map<String, AttributeValue> lease(
            String leaseKey, String checkpoint, long subSequence, boolean kcl35) {
        Map<String, AttributeValue> row = new HashMap<>();
        row.put("leaseKey", s(leaseKey));
        row.put("leaseCounter", n(17));
        row.put("leaseOwner", s("worker-" + UUID.randomUUID()));
        row.put("ownerSwitchesSinceCheckpoint", n(1));
        row.put("checkpoint", s(checkpoint));
        row.put("checkpointSubSequenceNumber", n(subSequence));
        row.put("startingHashKey", s("0"));
        row.put("endingHashKey", s("340282366920938463463374607431768211455"));
        if (kcl35) {
            row.put("throughputKBps", AttributeValue.builder().n("12.5").build());
            row.put("entityType", s("LEASE"));
        }
        return row;
    }

    /** A multi-stream lease as {@code DynamoDBMultiStreamLeaseSerializer} writes it. */
    private static Map<String, AttributeValue> multi(
            String streamIdentifier, String shardId, String checkpoint, long subSequence) {
        Map<String, AttributeValue> row =
                lease(streamIdentifier + ":" + shardId, checkpoint, subSequence, false);
        row.put("streamName", s(streamIdentifier));
        row.put("shardId", s(shardId));
        return row;
    }

    private static Map<String, AttributeValue> withParents(
            Map<String, AttributeValue> row, String... parents) {
        row.put("parentShardId", AttributeValue.builder().ss(parents).build());
        return row;
    }

    private static Map<String, AttributeValue> withChildren(
            Map<String, AttributeValue> row, String... children) {
        row.put("childShardIds", AttributeValue.builder().ss(children).build());
        return row;
    }

    private static Map<String, AttributeValue> pending(
            Map<String, AttributeValue> row, String sequence, long subSequence) {
        row.put("pendingCheckpoint", s(sequence));
        row.put("pendingCheckpointSubSequenceNumber", n(subSequence));
        return row;
    }

    private static Map<String, AttributeValue> entity(String key, String entityType) {
        Map<String, AttributeValue> row = new HashMap<>();
        row.put("leaseKey", s(key));
        row.put("entityType", s(entityType));
        return row;
    }

    private void createLeaseTable(String name) {
        dynamo.createTable(
                r ->
                        r.tableName(name)
                                .billingMode(BillingMode.PAY_PER_REQUEST)
                                .attributeDefinitions(
                                        AttributeDefinition.builder()
                                                .attributeName("leaseKey")
                                                .attributeType(ScalarAttributeType.S)
                                                .build())
                                .keySchema(
                                        KeySchemaElement.builder()
                                                .attributeName("leaseKey")
                                                .keyType(KeyType.HASH)
                                                .build()));
    }

    private void put(Map<String, AttributeValue> row) {
        dynamo.putItem(r -> r.tableName(table).item(row));
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
