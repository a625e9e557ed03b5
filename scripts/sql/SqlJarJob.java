import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * A SQL program that carries no connector class: the kinesis-consumer connector comes from the
 * class path (the sql jar only). Reads a stream bounded at job start with a metadata column and a
 * PostgreSQL checkpoint store, and prints per customer and one-day window the count and the sum.
 *
 * <p>Arguments: kinesis endpoint, stream, app name, PostgreSQL JDBC URL, and {@code collect}
 * (print the rows here, local execution) or {@code print} (insert them into Flink's print sink:
 * on a cluster they land in the TaskManagers' output).
 */
public final class SqlJarJob {
    public static void main(String[] args) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("execution.checkpointing.interval", "500 ms");
        conf.setString("parallelism.default", "2");
        TableEnvironment t =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance().inStreamingMode().withConfiguration(conf).build());
        t.executeSql(
                "CREATE TABLE orders (customer STRING, amount DOUBLE,"
                        + " shard_id STRING METADATA VIRTUAL,"
                        + " arrival_time TIMESTAMP_LTZ(3) METADATA,"
                        + " WATERMARK FOR arrival_time AS arrival_time - INTERVAL '1' SECOND"
                        + ") WITH ('connector' = 'kinesis-consumer', 'stream' = '" + args[1] + "',"
                        + " 'aws.region' = 'us-east-1', 'aws.endpoint' = '" + args[0] + "',"
                        + " 'aws.credentials.provider.basic.accesskeyid' = 'local',"
                        + " 'aws.credentials.provider.basic.secretkey' = 'local', 'aws.cbor' = 'false',"
                        + " 'app-name' = '" + args[2] + "', 'scan.startup.mode' = 'trim-horizon',"
                        + " 'scan.bounded.mode' = 'job-start',"
                        + " 'checkpoint-store.type' = 'postgres', 'checkpoint-store.url' = '" + args[3] + "',"
                        + " 'checkpoint-store.user' = 'postgres',"
                        + " 'checkpoint-store.create-table' = 'true', 'format' = 'json')");
        String query =
                "SELECT customer, window_start, COUNT(*), SUM(amount),"
                        + " COUNT(DISTINCT shard_id) FROM TABLE(TUMBLE(TABLE orders,"
                        + " DESCRIPTOR(arrival_time), INTERVAL '1' DAY))"
                        + " GROUP BY customer, window_start, window_end";
        if (args.length > 4 && args[4].equals("print")) {
            t.executeSql(
                    "CREATE TABLE windows (customer STRING, window_start TIMESTAMP_LTZ(3),"
                            + " orders BIGINT, amount DOUBLE, shards BIGINT)"
                            + " WITH ('connector' = 'print', 'print-identifier' = 'WINDOW')");
            t.executeSql("INSERT INTO windows " + query);
            return;
        }
        try (CloseableIterator<Row> rows = t.executeSql(query).collect()) {
            while (rows.hasNext()) {
                Row r = rows.next();
                System.out.printf(
                        java.util.Locale.ROOT,
                        "ROW %s %s %d %.2f %d%n",
                        r.getField(0), r.getField(1), r.getField(2), r.getField(3), r.getField(4));
            }
        }
    }
}
