package io.github.kinesisconsumer.table;

import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** DDL and query helpers for the SQL connector tests. */
final class SqlTables {

    private SqlTables() {}

    static final String[] CUSTOMERS = {"c1", "c2", "c3"};

    static String json(int i) {
        return "{\"customer\":\"" + CUSTOMERS[i % 3] + "\",\"amount\":" + (i % 7 + 1) + "}";
    }

    static StreamTableEnvironment streaming() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.getConfig().setLocalTimeZone(ZoneOffset.UTC);
        return tEnv;
    }

    static String with(KinesisEmulatorExtension kinesis, TestStream stream, String format) {
        return with(kinesis, stream, format, Map.of());
    }

    /** The WITH clause of a bounded table over {@code stream}; a null override removes a key. */
    static String with(
            KinesisEmulatorExtension kinesis,
            TestStream stream,
            String format,
            Map<String, String> overrides) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("connector", "kinesis-consumer");
        options.put("stream", stream.name());
        options.put("aws.region", "us-east-1");
        options.put("aws.endpoint", kinesis.emulator().endpoint());
        options.put("aws.credentials.access-key-id", "local");
        options.put("aws.credentials.secret-access-key", "local");
        options.put("aws.cbor", "false");
        options.put("scan.startup.mode", "trim-horizon");
        options.put("scan.bounded.mode", "job-start");
        options.put("source.idle-poll-interval", "50 ms");
        options.put("format", format);
        overrides.forEach(
                (k, v) -> {
                    if (v == null) {
                        options.remove(k);
                    } else {
                        options.put(k, v);
                    }
                });
        StringJoiner clause = new StringJoiner(", ", " WITH (", ")");
        options.forEach((k, v) -> clause.add("'" + k + "' = '" + v + "'"));
        return clause.toString();
    }

    static void createOrders(
            TableEnvironment tEnv, KinesisEmulatorExtension kinesis, TestStream stream) {
        createOrders(tEnv, kinesis, stream, Map.of());
    }

    static void createOrders(
            TableEnvironment tEnv,
            KinesisEmulatorExtension kinesis,
            TestStream stream,
            Map<String, String> overrides) {
        tEnv.executeSql(
                "CREATE TABLE orders ("
                        + " customer STRING,"
                        + " amount INT,"
                        + " shard_id STRING METADATA VIRTUAL,"
                        + " sequence_number STRING METADATA VIRTUAL,"
                        + " partition_key STRING METADATA VIRTUAL,"
                        + " arrival_time TIMESTAMP_LTZ(3) METADATA,"
                        + " WATERMARK FOR arrival_time AS arrival_time - INTERVAL '1' SECOND"
                        + ")"
                        + with(kinesis, stream, "json", overrides));
    }

    static List<Row> collect(TableEnvironment tEnv, String sql) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = tEnv.executeSql(sql).collect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }
}
