package io.github.kinesisconsumer.migration;

import io.github.kinesisconsumer.consumer.KinesisConsumer;
import io.github.kinesisconsumer.consumer.ScanResult;
import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.jdbc.PostgresCheckpointStore;
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

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
    static final String PG = env("KC_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String STORE_TABLE = "kc_migration";

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

        Run first = migrate();
        assertThat(first.exit).as(first.all()).isZero();
        assertThat(first.out)
                .contains(parent + "     FINISHED")
                .contains(children.get(0) + "     RESUME_AFTER   " + c1Last.sequenceNumber)
                .contains("fromStore(<fallback>)");
        try (CheckpointStore store = store()) {
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
        List<String[]> read = consume(stream, expected.size());
        assertReadOnceInKeyOrder(read, expected);

        Run again = migrate();
        assertThat(again.exit).as(again.all()).isEqualTo(1);
        assertThat(again.err)
                .contains("past the earlier consumer's: " + children.get(0))
                .contains("nothing was written");
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

    private Run migrate() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit =
                MigratePositions.run(
                        new String[] {
                            "--from=kcl",
                            "--lease-table=" + leaseTable,
                            "--dynamodb.endpoint=" + DYNAMODB,
                            "--stream=" + streamNameOfLastRun,
                            "--kinesis.endpoint=" + KINESIS.emulator().endpoint(),
                            "--app=" + app,
                            "--checkpoint-store.type=postgres",
                            "--checkpoint-store.url=" + PG,
                            "--checkpoint-store.user=postgres",
                            "--checkpoint-store.table=" + STORE_TABLE,
                            "--create-table"
                        },
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        Run run =
                new Run(
                        exit,
                        out.toString(StandardCharsets.UTF_8),
                        err.toString(StandardCharsets.UTF_8));
        System.out.print(run.all());
        return run;
    }

    private String streamNameOfLastRun;

    private List<String[]> consume(TestStream stream, int count) throws Exception {
        List<String[]> read = new ArrayList<>();
        try (CheckpointStore store = store();
                KinesisConsumer consumer =
                        KinesisConsumer.builder()
                                .streamName(stream.name())
                                .appName(app)
                                .clientSettings(KINESIS.clientSettings())
                                .checkpointStore(store)
                                .startingPosition(StartingPosition.latest())
                                .discoveryInterval(Duration.ofSeconds(1))
                                .build()) {
            Thread scan =
                    new Thread(
                            () -> {
                                try {
                                    consumer.scan(
                                            r -> {
                                                synchronized (read) {
                                                    read.add(
                                                            new String[] {
                                                                r.partitionKey(), r.dataAsString()
                                                            });
                                                }
                                                return ScanResult.CONTINUE;
                                            });
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            scan.setDaemon(true);
            scan.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (size(read) < count && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(1_500);
            consumer.close();
            scan.join(30_000);
        }
        return read;
    }

    private static int size(List<?> list) {
        synchronized (list) {
            return list.size();
        }
    }

    private static void assertReadOnceInKeyOrder(
            List<String[]> read, List<WrittenRecord> expected) {
        Map<String, List<String>> got = new LinkedHashMap<>();
        for (String[] r : read) {
            got.computeIfAbsent(r[0], k -> new ArrayList<>()).add(r[1]);
        }
        Map<String, List<String>> want = new LinkedHashMap<>();
        for (WrittenRecord w : expected) {
            want.computeIfAbsent(w.partitionKey, k -> new ArrayList<>()).add(w.text());
        }
        System.out.printf("kcl migration: read %d of %d expected%n", read.size(), expected.size());
        assertThat(read).as("records read").hasSize(expected.size());
        assertThat(got).as("per key, in write order").isEqualTo(want);
    }

    private CheckpointStore store() {
        return PostgresCheckpointStore.builder()
                .jdbcUrl(PG)
                .user("postgres")
                .tableName(STORE_TABLE)
                .createTable(true)
                .build();
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

    private List<WrittenRecord> put(TestStream stream, int count) {
        streamNameOfLastRun = stream.name();
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

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    private static final class Run {
        final int exit;
        final String out;
        final String err;

        Run(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        String all() {
            return "exit " + exit + "\n" + out + err;
        }
    }
}
