package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreFactory;
import io.github.kinesisconsumer.store.jdbc.PostgresCheckpointStore;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.LocalPostgres;
import io.github.kinesisconsumer.testing.TcpProxy;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mirror never affects the job: a PostgreSQL outage during the job is counted and healed; and a
 * table in harlow/kinesis-consumer's layout gives the starting positions.
 */
class KinesisSourceStoreOutageTest {

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.reportingTo(REPORTER, 1, 2);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    private static final String PG_URL = env("KC_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");

    @BeforeEach
    void reset() {
        Emitted.reset();
    }

    @Test
    void storeOutageIsCountedAndHealedWithoutAffectingTheJob() throws Exception {
        String app = "outage-" + UUID.randomUUID();
        TestStream stream = KINESIS.createStream(2);
        List<WrittenRecord> written = new ArrayList<>(stream.putSequential(1_000, 20));
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", 5432)) {
            int port = proxy.port();
            CheckpointStoreFactory viaProxy = () -> LocalPostgres.store(port, "kc_flink_outage");
            JobClient job = StoreJobs.start(KINESIS.clientSettings(), stream.name(), app, viaProxy);
            waitFor(() -> Emitted.ENTRIES.size() >= 1_000, "first 1,000 records");
            waitFor(() -> !readStore(viaProxy, app, stream).isEmpty(), "a first mirror");

            proxy.goDark();
            written.addAll(stream.put(1_000, i -> "pk-" + (i % 20), i -> "dark-" + i));
            waitFor(() -> Emitted.ENTRIES.size() >= 2_000, "all 2,000 records while dark");
            waitFor(() -> mirrorFailures(job) > 0, "a counted mirror failure");
            long failures = mirrorFailures(job);

            proxy.restore();
            Map<String, String> last = KinesisSourceMirrorTest.lastSequencePerShard(written);
            waitFor(
                    () -> {
                        Map<String, Checkpoint> all = readStore(viaProxy, app, stream);
                        return last.entrySet().stream()
                                .allMatch(
                                        e ->
                                                all.containsKey(e.getKey())
                                                        && all.get(e.getKey())
                                                                .sequenceNumber()
                                                                .equals(e.getValue()));
                    },
                    "the store to catch up after the outage");
            job.cancel().get();
            System.out.printf(
                    "store outage: job read %d of %d records while the store was dark;"
                            + " %d mirror failures counted; store caught up after restore%n",
                    Emitted.ENTRIES.size(), written.size(), failures);
            assertThat(Emitted.ENTRIES).hasSize(2_000);
            assertThat(failures).isPositive();
        }
    }

    @Test
    void tableWrittenInTheGoLayoutGivesTheStartingPositions() throws Exception {
        String app = "go-" + UUID.randomUUID();
        TestStream stream = KINESIS.createStream(2);
        List<WrittenRecord> written = stream.putSequential(600, 30);
        String table = "kc_go_layout";
        List<String> shards = stream.shardIds();
        WrittenRecord pivot = null;
        for (WrittenRecord w : written) {
            if (w.shardId.equals(shards.get(0))) {
                pivot = w;
                if (Integer.parseInt(w.text()) > 300) {
                    break;
                }
            }
        }
        try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "")) {
            c.createStatement().execute("DROP TABLE IF EXISTS " + table);
            c.createStatement()
                    .execute(
                            "CREATE TABLE "
                                    + table
                                    + " (namespace text NOT NULL, shard_id text NOT NULL,"
                                    + " sequence_number numeric, PRIMARY KEY (namespace,"
                                    + " shard_id))");
            try (PreparedStatement insert =
                    c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?::numeric)")) {
                insert.setString(1, app + "-" + stream.name());
                insert.setString(2, pivot.shardId);
                insert.setString(3, pivot.sequenceNumber);
                insert.executeUpdate();
            }
        }
        CheckpointStoreFactory goTable =
                () ->
                        PostgresCheckpointStore.builder()
                                .jdbcUrl(PG_URL)
                                .user("postgres")
                                .tableName(table)
                                .build();
        Set<String> expected = new HashSet<>();
        boolean afterPivot = false;
        for (WrittenRecord w : written) {
            if (!w.shardId.equals(pivot.shardId)) {
                expected.add(w.text());
            } else if (afterPivot) {
                expected.add(w.text());
            } else if (w == pivot) {
                afterPivot = true;
            }
        }
        JobClient job = StoreJobs.start(KINESIS.clientSettings(), stream.name(), app, goTable);
        waitFor(() -> Emitted.ENTRIES.size() >= expected.size(), "the expected records");
        Thread.sleep(1_500);
        job.cancel().get();
        Set<String> read = new HashSet<>();
        Emitted.all().forEach(e -> read.add(e.payload));
        System.out.printf(
                "Go-layout table: resumed %s after %s; read %d records (expected %d)%n",
                pivot.shardId, pivot.sequenceNumber, Emitted.ENTRIES.size(), expected.size());
        assertThat(Emitted.ENTRIES).hasSize(expected.size());
        assertThat(read).isEqualTo(expected);
    }

    private static Map<String, Checkpoint> readStore(
            CheckpointStoreFactory stores, String app, TestStream stream) {
        try (CheckpointStore store = stores.create()) {
            return store.getAll(app, stream.name());
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    private static long mirrorFailures(JobClient job) {
        long sum = 0;
        for (Metric m : REPORTER.findMetrics(job.getJobID(), "mirrorFailures").values()) {
            sum += ((Counter) m).getCount();
        }
        return sum;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
