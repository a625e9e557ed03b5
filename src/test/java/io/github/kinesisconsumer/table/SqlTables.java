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
import java.util.List;

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

    static String with(
            KinesisEmulatorExtension kinesis, TestStream stream, String format, String... extra) {
        StringBuilder options = new StringBuilder();
        options.append("'connector' = 'kinesis-consumer', ")
                .append("'stream' = '")
                .append(stream.name())
                .append("', ")
                .append("'aws.region' = 'us-east-1', ")
                .append("'aws.endpoint' = '")
                .append(kinesis.emulator().endpoint())
                .append("', ")
                .append("'aws.credentials.access-key-id' = 'local', ")
                .append("'aws.credentials.secret-access-key' = 'local', ")
                .append("'aws.cbor' = 'false', ")
                .append("'scan.startup.mode' = 'trim-horizon', ")
                .append("'scan.bounded.mode' = 'job-start', ")
                .append("'source.idle-poll-interval' = '50 ms', ")
                .append("'format' = '")
                .append(format)
                .append("'");
        for (String option : extra) {
            options.append(", ").append(option);
        }
        return " WITH (" + options + ")";
    }

    static void createOrders(
            TableEnvironment tEnv, KinesisEmulatorExtension kinesis, TestStream stream) {
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
                        + with(kinesis, stream, "json"));
    }

    static List<Row> collect(TableEnvironment tEnv, String sql) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = tEnv.executeSql(sql).collect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }
}
