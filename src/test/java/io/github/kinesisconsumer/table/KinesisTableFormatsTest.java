package io.github.kinesisconsumer.table;

import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Projection push-down with json and raw, and the csv format, through SQL on kinesalite. */
class KinesisTableFormatsTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkCluster.of(1, 2);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesalite();

    @Test
    void jsonProjectionNarrowsTheScanAndKeepsMetadataAligned() throws Exception {
        TestStream stream = KINESIS.createStream(2);
        List<WrittenRecord> written = stream.put(30, i -> "order-" + i, SqlTables::json);
        TableEnvironment tEnv = SqlTables.streaming();
        SqlTables.createOrders(tEnv, KINESIS, stream);

        String plan = tEnv.explainSql("SELECT amount, partition_key FROM orders");
        System.out.println(plan);
        assertThat(plan)
                .contains("project=[amount], metadata=[partition_key, arrival_time]")
                .contains("fields=[amount, partition_key, arrival_time]")
                .containsPattern("TableSourceScan\\(table=\\[\\[[^\\n]*watermark=\\[");
        assertThat(plan.substring(plan.indexOf("== Optimized Physical Plan ==")))
                .doesNotContain("WatermarkAssigner");

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < written.size(); i++) {
            expected.add((i % 7 + 1) + "|order-" + i);
        }
        List<String> actual = new ArrayList<>();
        for (Row row : SqlTables.collect(tEnv, "SELECT amount, partition_key FROM orders")) {
            assertThat(row.getArity()).isEqualTo(2);
            actual.add(row.getField(0) + "|" + row.getField(1));
        }
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void rawFormatReadsPayloadsAndProjectsItAway() throws Exception {
        TestStream stream = KINESIS.createStream(2);
        List<WrittenRecord> written = stream.put(25, i -> "key-" + i, i -> "line " + i);
        TableEnvironment tEnv = SqlTables.streaming();
        tEnv.executeSql(
                "CREATE TABLE lines (line STRING, partition_key STRING METADATA VIRTUAL)"
                        + SqlTables.with(KINESIS, stream, "raw"));

        String keysOnly = tEnv.explainSql("SELECT partition_key FROM lines");
        System.out.println(keysOnly);
        assertThat(keysOnly).contains("project=[]").contains("metadata=[partition_key]");

        List<String> keys = new ArrayList<>();
        for (Row row : SqlTables.collect(tEnv, "SELECT partition_key FROM lines")) {
            keys.add((String) row.getField(0));
        }
        List<String> pairs = new ArrayList<>();
        for (Row row : SqlTables.collect(tEnv, "SELECT line, partition_key FROM lines")) {
            pairs.add(row.getField(0) + "|" + row.getField(1));
        }
        List<String> expectedKeys = new ArrayList<>();
        List<String> expectedPairs = new ArrayList<>();
        for (WrittenRecord w : written) {
            expectedKeys.add(w.partitionKey);
            expectedPairs.add(w.text() + "|" + w.partitionKey);
        }
        assertThat(keys).containsExactlyInAnyOrderElementsOf(expectedKeys);
        assertThat(pairs).containsExactlyInAnyOrderElementsOf(expectedPairs);
    }

    @Test
    void csvRowsAggregateInBatchMode() throws Exception {
        TestStream stream = KINESIS.createStream(3);
        stream.put(
                90,
                i -> "order-" + i,
                i -> SqlTables.CUSTOMERS[i % 3] + "," + (i % 7 + 1) + ",order " + i);
        Map<String, String> expected = new TreeMap<>();
        for (int c = 0; c < 3; c++) {
            int sum = 0;
            int count = 0;
            for (int i = c; i < 90; i += 3) {
                sum += i % 7 + 1;
                count++;
            }
            expected.put(SqlTables.CUSTOMERS[c], sum + "/" + count);
        }

        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        tEnv.executeSql(
                "CREATE TABLE csv_orders (customer STRING, amount INT, note STRING)"
                        + SqlTables.with(KINESIS, stream, "csv"));
        String plan = tEnv.explainSql("SELECT customer, amount FROM csv_orders");
        assertThat(plan).contains("project=[customer, amount]");

        Map<String, String> actual = new TreeMap<>();
        for (Row row :
                SqlTables.collect(
                        tEnv,
                        "SELECT customer, SUM(amount), COUNT(*) FROM csv_orders GROUP BY"
                                + " customer")) {
            actual.put((String) row.getField(0), row.getField(1) + "/" + row.getField(2));
        }
        System.out.println("csv sums/counts per customer: " + actual);
        assertThat(actual).isEqualTo(expected);
    }
}
