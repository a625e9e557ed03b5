package io.github.kinesisconsumer.migration;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.LocalDynamoDb;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.github.kinesisconsumer.migration.MigrationFixture.assertReadOnceInKeyOrder;
import static io.github.kinesisconsumer.migration.MigrationFixture.consumeFromStore;
import static io.github.kinesisconsumer.migration.MigrationFixture.postgresStore;
import static io.github.kinesisconsumer.migration.MigrationFixture.postgresStoreOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * From a KCL application to the standalone consumer, through the command-line tool: lease rows
 * written as the KCL's lease serializer writes them (attribute names and types from its source; a
 * real KCL worker is not run), the tool writes their positions into PostgreSQL, and the consumer
 * continues exactly after them. kinesis-local, DynamoDB Local, PostgreSQL.
 */
class KclMigrationTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    static final String DYNAMODB = LocalDynamoDb.endpoint();

    private final String leaseTable = "kcl-app-" + UUID.randomUUID();
    private final String app = "migrated-" + UUID.randomUUID();
    private DynamoDbClient dynamo;
    private int nextPayload;

    @BeforeEach
    void setUp() {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");
        dynamo = LocalDynamoDb.client("local");
    }

    @AfterEach
    void tearDown() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        dynamo.close();
    }

    @Test
    void theConsumerContinuesExactlyAfterTheKclCheckpoints() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        String parent = stream.shardIds().get(0);
        List<WrittenRecord> written = new ArrayList<>(put(stream, 100));
        stream.split(parent);
        List<String> children = new ArrayList<>(stream.shardIds());
        children.remove(parent);
        written.addAll(put(stream, 200));
        WrittenRecord c1Last = nth(written, children.get(0), 10);

        createLeaseTable(leaseTable);
        putLease(lease(parent, "SHARD_END", 0, List.of()));
        putLease(lease(children.get(0), c1Last.sequenceNumber, 0, List.of(parent)));
        putLease(lease(children.get(1), "TRIM_HORIZON", 0, List.of(parent)));

        MigrationFixture.ToolRun first = migrate(stream.name());
        assertThat(first.exit).as(first.all()).isZero();
        assertThat(first.out)
                .contains(parent + "     FINISHED")
                .contains(children.get(0) + "     RESUME_AFTER   " + c1Last.sequenceNumber)
                .contains("fromStore(<fallback>)");
        try (CheckpointStore store = postgresStore()) {
            Map<String, Checkpoint> stored = store.getAll(app, stream.name());
            assertThat(stored).hasSize(2);
            assertThat(stored.get(parent).isFinished()).isTrue();
            assertThat(stored.get(children.get(0)))
                    .isEqualTo(Checkpoint.at(c1Last.sequenceNumber, 0));
        }

        List<WrittenRecord> expected = new ArrayList<>();
        for (WrittenRecord w : written) {
            if (w.shardId.equals(children.get(1))
                    || (w.shardId.equals(children.get(0))
                            && new BigInteger(w.sequenceNumber)
                                            .compareTo(new BigInteger(c1Last.sequenceNumber))
                                    > 0)) {
                expected.add(w);
            }
        }
        List<MigrationFixture.Delivery> read =
                consumeFromStore(KINESIS, stream.name(), app, expected.size());
        assertReadOnceInKeyOrder(read, expected);

        MigrationFixture.ToolRun again = migrate(stream.name());
        assertThat(again.exit).as(again.all()).isEqualTo(1);
        assertThat(again.err)
                .contains("past the earlier consumer's: " + children.get(0))
                .contains("nothing was written");
    }

    @Test
    void aStreamHeldUnderSeveralIdentifiersIsMovedByTheOneGiven() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        String shard = stream.shardIds().get(0);
        List<WrittenRecord> written = put(stream, 60);
        WrittenRecord last = nth(written, shard, 20);
        String current = "123456789012:" + stream.name() + ":1700000200";
        String deleted = "123456789012:" + stream.name() + ":1700000100";
        createLeaseTable(leaseTable);
        putLease(multiStream(current, shard, last.sequenceNumber));
        putLease(multiStream(deleted, shard, "SHARD_END"));

        MigrationFixture.ToolRun byName = migrate(stream.name());
        assertThat(byName.exit).as(byName.all()).isEqualTo(2);
        assertThat(byName.err)
                .contains("under several stream identifiers [" + deleted + ", " + current + "]");

        MigrationFixture.ToolRun other =
                migrate(stream.name(), "--kcl-stream-identifier=123456789012:other:1700000200");
        assertThat(other.exit).as(other.all()).isEqualTo(2);
        assertThat(other.err)
                .contains("is not a KCL stream identifier of stream '" + stream.name() + "'");

        MigrationFixture.ToolRun run = migrate(stream.name(), "--kcl-stream-identifier=" + current);
        assertThat(run.exit).as(run.all()).isZero();
        assertThat(run.out).contains(shard + "     RESUME_AFTER   " + last.sequenceNumber);
        List<WrittenRecord> expected = written.subList(20, written.size());
        assertReadOnceInKeyOrder(
                consumeFromStore(KINESIS, stream.name(), app, expected.size()), expected);
    }

    private static Map<String, AttributeValue> multiStream(
            String streamIdentifier, String shard, String checkpoint) {
        Map<String, AttributeValue> row =
                lease(streamIdentifier + ":" + shard, checkpoint, 0, List.of());
        row.put("streamName", s(streamIdentifier));
        row.put("shardId", s(shard));
        return row;
    }

    @Test
    void badLeaseTablesAreRefusedNamingWhatToFix() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        String shard = stream.shardIds().get(0);
        ClientSettings settings = ClientSettings.forEndpoint(DYNAMODB);

        assertThatThrownBy(
                        () ->
                                KclLeaseTablePositions.of("no-such-" + leaseTable, "s", settings)
                                        .read())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("there is no table 'no-such-" + leaseTable + "'");

        String goTable = "go-" + leaseTable;
        dynamo.createTable(
                r ->
                        r.tableName(goTable)
                                .billingMode(BillingMode.PAY_PER_REQUEST)
                                .attributeDefinitions(attr("namespace"), attr("shard_id"))
                                .keySchema(
                                        key("namespace", KeyType.HASH),
                                        key("shard_id", KeyType.RANGE)));
        assertThatThrownBy(() -> KclLeaseTablePositions.of(goTable, "s", settings).read())
                .hasMessageContaining("is not a KCL lease table: its key is [namespace, shard_id]");

        createLeaseTable(leaseTable);
        assertThatThrownBy(() -> KclLeaseTablePositions.of(leaseTable, "s", settings).read())
                .hasMessageContaining("holds no leases");

        Map<String, AttributeValue> multi =
                lease("123456789012:payments:1700000000:" + shard, "LATEST", 0, List.of());
        multi.put("streamName", s("123456789012:payments:1700000000"));
        multi.put("shardId", s(shard));
        putLease(multi);
        assertThatThrownBy(() -> KclLeaseTablePositions.of(leaseTable, "orders", settings).read())
                .hasMessageContaining("multi-stream table without leases of stream 'orders'")
                .hasMessageContaining("[payments]");
        assertThat(KclLeaseTablePositions.of(leaseTable, "payments", settings).read())
                .containsExactly(
                        PriorPosition.sentinel("payments", shard, PriorPosition.Kind.LATEST));

        String otherStream = stream.name();
        List<WrittenRecord> w = put(stream, 5);
        String single = "single-" + leaseTable;
        createLeaseTable(single);
        Map<String, AttributeValue> row =
                lease(shard, "1" + w.get(0).sequenceNumber.substring(1), 0, List.of());
        row.put("checkpoint", s("4" + "0".repeat(55)));
        dynamo.putItem(r -> r.tableName(single).item(row));
        assertThatThrownBy(
                        () ->
                                MigrationPlan.of(
                                        KclLeaseTablePositions.of(single, otherStream, settings),
                                        otherStream,
                                        stream.shards()))
                .hasMessageContaining("before the shard's first sequence number")
                .hasMessageContaining("the positions belong to another stream");
    }

    private void createLeaseTable(String name) {
        dynamo.createTable(
                r ->
                        r.tableName(name)
                                .billingMode(BillingMode.PAY_PER_REQUEST)
                                .attributeDefinitions(attr("leaseKey"))
                                .keySchema(key("leaseKey", KeyType.HASH)));
    }

    /** A lease row with the attributes and types the KCL's lease serializer writes. */
    private static Map<String, AttributeValue> lease(
            String leaseKey, String checkpoint, long subSequence, List<String> parents) {
        Map<String, AttributeValue> row = new HashMap<>();
        row.put("leaseKey", s(leaseKey));
        row.put("leaseOwner", s("worker-" + UUID.randomUUID()));
        row.put("leaseCounter", n(42));
        row.put("ownerSwitchesSinceCheckpoint", n(0));
        row.put("checkpoint", s(checkpoint));
        row.put("checkpointSubSequenceNumber", n(subSequence));
        if (!parents.isEmpty()) {
            row.put("parentShardId", AttributeValue.builder().ss(parents).build());
        }
        row.put("startingHashKey", s("0"));
        row.put("endingHashKey", s("340282366920938463463374607431768211455"));
        return row;
    }

    private void putLease(Map<String, AttributeValue> row) {
        dynamo.putItem(r -> r.tableName(leaseTable).item(row));
    }

    private static AttributeValue s(String v) {
        return AttributeValue.builder().s(v).build();
    }

    private static AttributeValue n(long v) {
        return AttributeValue.builder().n(Long.toString(v)).build();
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

    private MigrationFixture.ToolRun migrate(String stream, String... more) {
        List<String> args = new ArrayList<>();
        args.add("--from=kcl");
        args.add("--lease-table=" + leaseTable);
        args.add("--dynamodb.endpoint=" + DYNAMODB);
        args.add("--stream=" + stream);
        args.add("--kinesis.endpoint=" + KINESIS.emulator().endpoint());
        args.addAll(List.of(more));
        args.addAll(postgresStoreOptions(app));
        return MigrationFixture.migrate(args.toArray(new String[0]));
    }

    private List<WrittenRecord> put(TestStream stream, int count) {
        int base = nextPayload;
        nextPayload += count;
        return stream.put(count, i -> "key-" + ((base + i) % 20), i -> "r-" + (base + i));
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
}
