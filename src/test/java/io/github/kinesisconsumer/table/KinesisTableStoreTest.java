package io.github.kinesisconsumer.table;

import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.jdbc.PostgresCheckpointStore;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A PostgreSQL checkpoint store configured through SQL options: a bounded job mirrors its final
 * positions, and the next job starts from them.
 */
class KinesisTableStoreTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkCluster.of(1, 2);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesalite();

    private static final String PG_URL = env("KC_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String PG_USER = env("KC_PG_USER", "postgres");
    private static final String TABLE = "kc_sql_checkpoints";

    @Test
    void boundedJobMirrorsPositionsAndTheNextJobStartsThere() throws Exception {
        TestStream stream = KINESIS.createStream(3);
        String app = "sql-store-" + UUID.randomUUID();
        List<WrittenRecord> first = stream.put(45, i -> "order-" + i, SqlTables::json);
        Map<String, String> options = new HashMap<>();
        options.put("scan.startup.mode", null);
        options.put("scan.startup.from-store.fallback", "trim-horizon");
        options.put("app-name", app);
        options.put("checkpoint-store.type", "postgres");
        options.put("checkpoint-store.url", PG_URL);
        options.put("checkpoint-store.user", PG_USER);
        options.put("checkpoint-store.table", TABLE);
        options.put("checkpoint-store.create-table", "true");

        assertThat(amounts(run(stream, options))).isEqualTo(amounts(first));
        Map<String, Checkpoint> stored;
        try (CheckpointStore store = pg()) {
            stored = store.getAll(app, stream.name());
        }
        Map<String, Checkpoint> expected = new HashMap<>();
        lastPerShard(first).forEach((shard, seq) -> expected.put(shard, Checkpoint.at(seq)));
        System.out.printf("mirrored by the bounded SQL job: %s%n", stored);
        assertThat(stored).isEqualTo(expected);

        List<WrittenRecord> second = stream.put(12, i -> "late-" + i, i -> SqlTables.json(100 + i));
        List<Row> rows = run(stream, options);
        System.out.printf("second job read %d rows (12 written since)%n", rows.size());
        assertThat(amounts(rows)).isEqualTo(amounts(second));
    }

    private static List<Row> run(TestStream stream, Map<String, String> options) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        SqlTables.createOrders(tEnv, KINESIS, stream, options);
        return SqlTables.collect(tEnv, "SELECT customer, amount FROM orders");
    }

    private static List<String> amounts(List<?> rowsOrWritten) {
        List<String> out = new ArrayList<>();
        for (Object o : rowsOrWritten) {
            if (o instanceof Row) {
                Row r = (Row) o;
                out.add(
                        "{\"customer\":\""
                                + r.getField(0)
                                + "\",\"amount\":"
                                + r.getField(1)
                                + "}");
            } else {
                out.add(((WrittenRecord) o).text());
            }
        }
        out.sort(null);
        return out;
    }

    private static Map<String, String> lastPerShard(List<WrittenRecord> written) {
        Map<String, String> last = new HashMap<>();
        for (WrittenRecord w : written) {
            last.merge(
                    w.shardId,
                    w.sequenceNumber,
                    (a, b) -> new BigInteger(a).compareTo(new BigInteger(b)) >= 0 ? a : b);
        }
        return last;
    }

    private static CheckpointStore pg() {
        return PostgresCheckpointStore.builder()
                .jdbcUrl(PG_URL)
                .user(PG_USER)
                .tableName(TABLE)
                .build();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
