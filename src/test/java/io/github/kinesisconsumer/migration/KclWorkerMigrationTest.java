package io.github.kinesisconsumer.migration;

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
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static io.github.kinesisconsumer.migration.MigrationFixture.assertReadOnceInKeyOrder;
import static io.github.kinesisconsumer.migration.MigrationFixture.consumeFromStore;
import static io.github.kinesisconsumer.migration.MigrationFixture.migrate;
import static io.github.kinesisconsumer.migration.MigrationFixture.postgresStore;
import static io.github.kinesisconsumer.migration.MigrationFixture.postgresStoreOptions;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * From a real KCL 2.x application to the standalone consumer: the KCL worker (amazon-kinesis-client
 * from Maven Central, in its own JVM, polling, metrics off) reads a kinesis-local stream that is
 * split while it runs, checkpoints into its DynamoDB Local lease table and stops part-way; the tool
 * moves its lease table's positions into PostgreSQL; the consumer then reads every other record
 * once.
 */
class KclWorkerMigrationTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    private static final int KEYS = 40;
    private static final int LIMIT = 190;

    private final String application = "kcl-worker-" + UUID.randomUUID();
    private final String app = "from-kcl-" + UUID.randomUUID();
    private int nextPayload;

    @BeforeEach
    void credentials() {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");
    }

    @AfterEach
    void clearCredentials() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Test
    void theConsumerContinuesExactlyWhereTheKclWorkerStopped() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "kcl-worker", application));
        TestStream stream = KINESIS.createStream(2);
        String parent = stream.shardIds().get(0);
        List<WrittenRecord> written = new ArrayList<>(put(stream, 40));
        KclWorkerProcess worker =
                KclWorkerProcess.start(
                        KINESIS.emulator().endpoint(),
                        LocalDynamoDb.endpoint(),
                        stream.name(),
                        application,
                        LIMIT,
                        dir);
        worker.awaitRecords(40);
        stream.split(parent);
        written.addAll(put(stream, 200));
        KclWorkerProcess.Result kcl = worker.awaitExit();
        assertThat(kcl.exit).as(kcl.log).isZero();
        assertThat(kcl.records).as("records the KCL worker processed").hasSize(LIMIT);
        System.out.printf(
                "kcl worker: written per shard %s, processed and checkpointed per shard %s%n",
                perShard(written), perShardOf(kcl.records));

        Map<String, Map<String, AttributeValue>> leases = leaseRows();
        System.out.println("KCL lease table: " + leases);
        assertThat(leases.get(parent).get("checkpoint").s())
                .as("the split parent, read to its end by the KCL")
                .isEqualTo("SHARD_END");

        MigrationFixture.ToolRun run = migrate(toolArguments(stream));
        assertThat(run.exit).as(run.all()).isZero();
        assertThat(run.out).contains(parent + "     FINISHED");
        try (CheckpointStore store = postgresStore()) {
            Map<String, Checkpoint> stored = store.getAll(app, stream.name());
            assertThat(stored.get(parent).isFinished()).isTrue();
        }

        written.addAll(put(stream, 100));
        Set<String> byKcl = new HashSet<>();
        for (String[] r : kcl.records) {
            assertThat(byKcl.add(r[0] + "/" + r[1])).as("the KCL read %s once", r[1]).isTrue();
        }
        List<WrittenRecord> rest = new ArrayList<>();
        for (WrittenRecord w : written) {
            if (!byKcl.contains(w.shardId + "/" + w.sequenceNumber)) {
                rest.add(w);
            }
        }
        assertThat(rest).hasSize(written.size() - LIMIT);
        assertThat(lastReadPerShardIsAPrefix(kcl.records, written)).isTrue();

        List<MigrationFixture.Delivery> read =
                consumeFromStore(KINESIS, stream.name(), app, rest.size());
        assertReadOnceInKeyOrder(read, rest);
    }

    /** The KCL read each shard from its start without gaps: its records are a prefix per shard. */
    private static boolean lastReadPerShardIsAPrefix(
            List<String[]> kclRecords, List<WrittenRecord> written) {
        Map<String, BigInteger> last = new HashMap<>();
        for (String[] r : kclRecords) {
            last.merge(r[0], new BigInteger(r[1]), BigInteger::max);
        }
        Set<String> read = new HashSet<>();
        for (String[] r : kclRecords) {
            read.add(r[1]);
        }
        for (WrittenRecord w : written) {
            BigInteger bound = last.get(w.shardId);
            boolean before =
                    bound != null && new BigInteger(w.sequenceNumber).compareTo(bound) <= 0;
            if (before != read.contains(w.sequenceNumber)) {
                System.out.println("not a prefix at " + w);
                return false;
            }
        }
        return true;
    }

    private static Map<String, Integer> perShard(List<WrittenRecord> written) {
        Map<String, Integer> counts = new TreeMap<>();
        for (WrittenRecord w : written) {
            counts.merge(w.shardId, 1, Integer::sum);
        }
        return counts;
    }

    private static Map<String, Integer> perShardOf(List<String[]> records) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String[] r : records) {
            counts.merge(r[0], 1, Integer::sum);
        }
        return counts;
    }

    private String[] toolArguments(TestStream stream) {
        List<String> args = new ArrayList<>();
        args.add("--from=kcl");
        args.add("--lease-table=" + application);
        args.add("--dynamodb.endpoint=" + LocalDynamoDb.endpoint());
        args.add("--stream=" + stream.name());
        args.add("--kinesis.endpoint=" + KINESIS.emulator().endpoint());
        args.addAll(postgresStoreOptions(app));
        return args.toArray(new String[0]);
    }

    private Map<String, Map<String, AttributeValue>> leaseRows() {
        Map<String, Map<String, AttributeValue>> rows = new HashMap<>();
        try (DynamoDbClient dynamo = LocalDynamoDb.client("local")) {
            dynamo.scanPaginator(r -> r.tableName(application))
                    .items()
                    .forEach(item -> rows.put(item.get("leaseKey").s(), item));
        }
        return rows;
    }

    private List<WrittenRecord> put(TestStream stream, int count) {
        int base = nextPayload;
        nextPayload += count;
        return stream.put(count, i -> "key-" + ((base + i) % KEYS), i -> "r-" + (base + i));
    }
}
