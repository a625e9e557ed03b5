package io.github.kinesisconsumer.table;

import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The SQL connector end to end on kinesalite: windows, metadata, projection, formats. */
class KinesisTableSqlTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkCluster.of(1, 2);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesalite();

    private static long sleepUntil(long epochMillis) throws InterruptedException {
        long wait = epochMillis - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        return System.currentTimeMillis();
    }

    @Test
    void tumblingWindowsOnArrivalTimeGiveExactSumsAndCounts() throws Exception {
        TestStream stream = KINESIS.createStream(4);
        long window = 2_000;
        long first = (System.currentTimeMillis() / window + 1) * window;
        Map<String, int[]> expected = new TreeMap<>();
        int written = 0;
        for (int w = 0; w < 2; w++) {
            long start = first + w * window;
            sleepUntil(start + 100);
            int count = w == 0 ? 60 : 45;
            int base = written;
            stream.put(count, i -> "order-" + (base + i), i -> SqlTables.json(base + i));
            assertThat(System.currentTimeMillis())
                    .as("batch %d written inside its window", w)
                    .isLessThan(start + window - 200);
            for (int i = base; i < base + count; i++) {
                int[] sumCount =
                        expected.computeIfAbsent(
                                SqlTables.CUSTOMERS[i % 3] + "@" + Instant.ofEpochMilli(start),
                                k -> new int[2]);
                sumCount[0] += i % 7 + 1;
                sumCount[1]++;
            }
            written += count;
        }

        StreamTableEnvironment tEnv = SqlTables.streaming();
        SqlTables.createOrders(tEnv, KINESIS, stream);
        List<Row> rows =
                SqlTables.collect(
                        tEnv,
                        "SELECT customer, window_start, SUM(amount), COUNT(*) FROM TABLE("
                                + " TUMBLE(TABLE orders, DESCRIPTOR(arrival_time),"
                                + " INTERVAL '2' SECOND))"
                                + " GROUP BY window_start, window_end, customer");

        Map<String, int[]> actual = new TreeMap<>();
        for (Row row : rows) {
            Instant windowStart =
                    ((LocalDateTime) row.getField(1)).atZone(ZoneOffset.UTC).toInstant();
            actual.put(
                    row.getField(0) + "@" + windowStart,
                    new int[] {(Integer) row.getField(2), ((Long) row.getField(3)).intValue()});
        }
        System.out.println("windows (customer@start -> sum/count):");
        actual.forEach((k, v) -> System.out.printf("  %s -> %d/%d%n", k, v[0], v[1]));
        assertThat(actual).hasSize(6);
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((k, v) -> assertThat(actual.get(k)).as(k).containsExactly(v));
    }

    @Test
    void metadataColumnsMatchWhatPutRecordsReturned() throws Exception {
        TestStream stream = KINESIS.createStream(4);
        long before = System.currentTimeMillis();
        List<WrittenRecord> written = stream.put(80, i -> "order-" + i, SqlTables::json);
        long after = System.currentTimeMillis();

        StreamTableEnvironment tEnv = SqlTables.streaming();
        SqlTables.createOrders(tEnv, KINESIS, stream);
        List<Row> rows =
                SqlTables.collect(
                        tEnv,
                        "SELECT customer, amount, shard_id, sequence_number, partition_key,"
                                + " arrival_time FROM orders");

        Set<String> expected = new HashSet<>();
        for (WrittenRecord w : written) {
            expected.add(
                    w.shardId + "|" + w.sequenceNumber + "|" + w.partitionKey + "|" + w.text());
        }
        Set<String> actual = new HashSet<>();
        Map<String, Integer> perShard = new TreeMap<>();
        for (Row row : rows) {
            actual.add(
                    row.getField(2)
                            + "|"
                            + row.getField(3)
                            + "|"
                            + row.getField(4)
                            + "|"
                            + "{\"customer\":\""
                            + row.getField(0)
                            + "\",\"amount\":"
                            + row.getField(1)
                            + "}");
            perShard.merge((String) row.getField(2), 1, Integer::sum);
            Instant arrival = (Instant) row.getField(5);
            assertThat(arrival.toEpochMilli()).isBetween(before - 1, after + 1);
        }
        System.out.printf(
                "metadata: %d rows over shards %s, arrival times within [%d, %d]%n",
                rows.size(), perShard, before, after);
        assertThat(rows).hasSize(80);
        assertThat(actual).isEqualTo(expected);
        assertThat(perShard).hasSize(4);
    }
}
