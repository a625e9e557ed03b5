package io.github.kinesisconsumer.migration;

import io.github.kinesisconsumer.consumer.KinesisConsumer;
import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.aggregation.AggregatedRecordEncoder;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.memory.InMemoryCheckpointStore;
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

import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * From a KCL application to the standalone consumer through the API: lease rows as the KCL's {@code
 * DynamoDBLeaseSerializer} writes them, {@link KclLeaseTablePositions}, {@link
 * MigrationPlan#writeTo} into the in-memory store, then {@link KinesisConsumer} scanning from the
 * store. Asserts, per shard and in order, exactly the records after the KCL's positions: none
 * before, none twice, all after. kinesalite and DynamoDB Local; no KCL worker is run.
 */
class KclPositionsEndToEndTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesalite();

    static final String DYNAMODB = env("KC_DYNAMODB_ENDPOINT", "http://127.0.0.1:8000");

    private final ClientSettings dynamoSettings = ClientSettings.forEndpoint(DYNAMODB);
    private final CheckpointStore store = new InMemoryCheckpointStore();
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
    void afterASplitTheConsumerContinuesExactlyWhereTheKclStopped() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        String parent = stream.shardIds().get(0);
        List<WrittenRecord> written = new ArrayList<>(put(stream, "a", 60));
        stream.split(parent);
        List<String> children = new ArrayList<>(stream.shardIds());
        children.remove(parent);
        written.addAll(put(stream, "b", 120));
        String midway = children.get(0);
        String untouched = children.get(1);
        WrittenRecord last = nth(written, midway, 10);

        // the KCL: parent read to its end, one child up to a plain record (sub-sequence 0), the
        // other child's lease created at TRIM_HORIZON and never advanced
        String table = leaseTable();
        Map<String, AttributeValue> p = lease(parent, "SHARD_END", 0);
        p.put("childShardIds", AttributeValue.builder().ss(children).build());
        put(table, p);
        put(table, withParent(lease(midway, last.sequenceNumber, 0), parent));
        put(table, withParent(lease(untouched, "TRIM_HORIZON", 0), parent));

        String app = "from-kcl-" + UUID.randomUUID();
        MigrationPlan plan =
                MigrationPlan.of(
                        KclLeaseTablePositions.of(table, stream.name(), dynamoSettings),
                        stream.name(),
                        stream.shards());
        plan.writeTo(store, app, false);
        assertThat(store.getAll(app, stream.name()).get(midway))
                .isEqualTo(Checkpoint.at(last.sequenceNumber, 0));

        Map<String, List<String>> expected = new TreeMap<>();
        expected.put(parent, List.of());
        expected.put(midway, after(written, midway, last.sequenceNumber));
        expected.put(untouched, after(written, untouched, "0"));
        assertThat(expected.get(midway)).hasSize(countOn(written, midway) - 10);

        assertThat(consume(stream, app, total(expected))).isEqualTo(expected);
    }

    @Test
    void insideAndAfterKplAggregatesTheConsumerContinuesAfterTheKclUserRecord() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        String shard = stream.shardIds().get(0);
        List<WrittenRecord> plain1 = put(stream, "p1", 5);
        WrittenRecord agg1 = putAggregate(stream, "g1", 5);
        List<WrittenRecord> plain2 = put(stream, "p2", 5);
        WrittenRecord agg2 = putAggregate(stream, "g2", 5);
        List<WrittenRecord> plain3 = put(stream, "p3", 5);

        List<String> g1 = users("g1", 5);
        List<String> g2 = users("g2", 5);
        List<String> tail = new ArrayList<>(texts(plain2));
        tail.addAll(g2);
        tail.addAll(texts(plain3));

        // user record 2 of the first aggregate: 3 and 4 remain, then everything after it
        List<String> fromInside = new ArrayList<>(g1.subList(3, 5));
        fromInside.addAll(tail);
        assertThat(migrateAndConsume(stream, shard, agg1.sequenceNumber, 2))
                .isEqualTo(Map.of(shard, fromInside));

        // the last user record of the second aggregate: the aggregate is done
        assertThat(migrateAndConsume(stream, shard, agg2.sequenceNumber, 4))
                .isEqualTo(Map.of(shard, texts(plain3)));

        // user record 0 of the first aggregate (the same number the KCL gives a plain record)
        List<String> fromFirstUser = new ArrayList<>(g1.subList(1, 5));
        fromFirstUser.addAll(tail);
        assertThat(migrateAndConsume(stream, shard, agg1.sequenceNumber, 0))
                .isEqualTo(Map.of(shard, fromFirstUser));

        // the plain record just before the first aggregate, as the KCL numbers it (0)
        List<String> fromPlain = new ArrayList<>(g1);
        fromPlain.addAll(tail);
        assertThat(migrateAndConsume(stream, shard, plain1.get(4).sequenceNumber, 0))
                .isEqualTo(Map.of(shard, fromPlain));
    }

    private Map<String, List<String>> migrateAndConsume(
            TestStream stream, String shard, String sequence, long subSequence) throws Exception {
        String table = leaseTable();
        put(table, lease(shard, sequence, subSequence));
        String app = "from-kcl-" + UUID.randomUUID();
        MigrationPlan.of(
                        KclLeaseTablePositions.of(table, stream.name(), dynamoSettings),
                        stream.name(),
                        stream.shards())
                .writeTo(store, app, false);
        Map<String, List<String>> read = consume(stream, app, Integer.MAX_VALUE);
        return read;
    }

    /** What the consumer read from the store (fallback LATEST), per shard in delivery order. */
    private Map<String, List<String>> consume(TestStream stream, String app, int count)
            throws Exception {
        Map<String, List<String>> read = new TreeMap<>();
        for (String shardId : stream.shardIds()) {
            read.put(shardId, new ArrayList<>());
        }
        List<MigrationFixture.Delivery> delivered =
                MigrationFixture.consume(KINESIS, stream.name(), app, store, count);
        for (MigrationFixture.Delivery d : delivered) {
            read.get(d.shardId).add(d.data);
        }
        System.out.printf("kcl end-to-end: read %d records: %s%n", delivered.size(), sizes(read));
        return read;
    }

    private static Map<String, Integer> sizes(Map<String, List<String>> m) {
        Map<String, Integer> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.size()));
        return out;
    }

    private static List<WrittenRecord> put(TestStream stream, String prefix, int count) {
        return stream.put(count, i -> "key-" + (i % 16), i -> prefix + "-" + i);
    }

    /** One KPL aggregate of {@code users} user records, written as one Kinesis record. */
    private static WrittenRecord putAggregate(TestStream stream, String prefix, int users) {
        AggregatedRecordEncoder encoder = new AggregatedRecordEncoder();
        for (String text : users(prefix, users)) {
            encoder.add("key-" + text, null, text.getBytes(StandardCharsets.UTF_8));
        }
        return stream.putBytes(List.of("agg-" + prefix), List.of(encoder.encode())).get(0);
    }

    private static List<String> users(String prefix, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(prefix + "-u" + i);
        }
        return out;
    }

    private static List<String> texts(List<WrittenRecord> written) {
        List<String> out = new ArrayList<>();
        for (WrittenRecord w : written) {
            out.add(w.text());
        }
        return out;
    }

    /** The texts of the records of {@code shardId} after {@code sequence}, in shard order. */
    private static List<String> after(
            List<WrittenRecord> written, String shardId, String sequence) {
        BigInteger from = new BigInteger(sequence);
        List<WrittenRecord> on = new ArrayList<>();
        for (WrittenRecord w : written) {
            if (w.shardId.equals(shardId) && new BigInteger(w.sequenceNumber).compareTo(from) > 0) {
                on.add(w);
            }
        }
        on.sort(
                (x, y) ->
                        new BigInteger(x.sequenceNumber)
                                .compareTo(new BigInteger(y.sequenceNumber)));
        return texts(on);
    }

    private static int countOn(List<WrittenRecord> written, String shardId) {
        return (int) written.stream().filter(w -> w.shardId.equals(shardId)).count();
    }

    private static int total(Map<String, List<String>> expected) {
        return expected.values().stream().mapToInt(List::size).sum();
    }

    private static WrittenRecord nth(List<WrittenRecord> written, String shardId, int n) {
        int seen = 0;
        for (WrittenRecord w : written) {
            if (w.shardId.equals(shardId) && ++seen == n) {
                return w;
            }
        }
        throw new IllegalStateException("shard " + shardId + " got only " + seen + " records");
    }

    // ---- the KCL's lease table ----

    private String leaseTable() {
        String name = "kcl-e2e-" + UUID.randomUUID();
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
        return name;
    }

    /** A lease as {@code DynamoDBLeaseSerializer.toDynamoRecord} writes it (KCL 3.x). */
    private static Map<String, AttributeValue> lease(
            String shardId, String checkpoint, long subSequence) {
        Map<String, AttributeValue> row = new HashMap<>();
        row.put("leaseKey", s(shardId));
        row.put("leaseCounter", n(9));
        row.put("leaseOwner", s("kcl-worker-1"));
        row.put("ownerSwitchesSinceCheckpoint", n(0));
        row.put("checkpoint", s(checkpoint));
        row.put("checkpointSubSequenceNumber", n(subSequence));
        row.put("entityType", s("LEASE"));
        return row;
    }

    private static Map<String, AttributeValue> withParent(
            Map<String, AttributeValue> row, String parent) {
        row.put("parentShardId", AttributeValue.builder().ss(parent).build());
        return row;
    }

    private void put(String table, Map<String, AttributeValue> row) {
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
