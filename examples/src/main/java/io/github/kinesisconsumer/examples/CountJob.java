package io.github.kinesisconsumer.examples;

import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.KinesisSourceBuilder;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The job of the end-to-end test (scripts/e2e.sh): per customer, a count of orders and the sum of
 * their order numbers, kept in checkpointed keyed state, and upserted into a PostgreSQL table after
 * every change has been collected (on each checkpoint and at the end). Because the counts live in
 * Flink state, the table ends with the exact number of records per customer if every record was
 * counted exactly once, even across a TaskManager failure; a duplicate or a loss shows as a wrong
 * count or order-number sum.
 *
 * <pre>
 * CountJob --stream S --app A [--store postgres|...] [--results-url jdbc:postgresql://127.0.0.1:5432/test]
 *          [--results-table e2e_counts] [--run ID] [--parallelism 2] [--checkpoint-interval 1s]
 *          [--endpoint URL] [--cbor false] [--check-order] [--efo CONSUMER]
 *          [--bounded-at-job-start] [--max-records-per-second N] [--restart-attempts N]
 * </pre>
 *
 * <p>Rows: {@code (run, customer, records, id_sum, out_of_order, updated)}, keyed by {@code (run,
 * customer)}. With {@code --check-order} (for events written with {@code Producer --partition-key
 * customer}), {@code out_of_order} counts the events whose order number was not above the last one
 * counted for the customer; the last number is keyed state too, so it is exact across failures.
 * {@code --efo CONSUMER} reads by enhanced fan-out through that stream consumer. {@code
 * --bounded-at-job-start} reads only the records that arrived before the job first started, then
 * finishes ({@code KinesisSourceBuilder.boundedAtJobStart()}: the stop time is pinned then and kept
 * in the enumerator's checkpointed state). {@code --max-records-per-second N} passes at most N
 * events per second and subtask on to the counting ({@link Pacing}), so reading a backlog takes a
 * while. {@code --restart-attempts N} restarts the job up to N times, 1 s apart, instead of the
 * cluster's restart strategy (a chaos run kills TaskManagers for half an hour).
 */
public final class CountJob {

    private CountJob() {}

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        String stream = args.get("stream", "orders");
        String app = args.get("app", "orders-count");
        String url =
                args.get(
                        "results-url",
                        Args.env("KC_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test"));
        String user = args.get("results-user", "postgres");
        String table = args.get("results-table", "e2e_counts");
        if (!table.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("--results-table must be a plain identifier");
        }
        String run = args.get("run", stream);
        boolean checkOrder = args.getBoolean("check-order", false);
        createTable(url, user, table);
        KinesisSourceBuilder<OrderEvent> source =
                Setup.orderSource(args, stream, app, StartingPosition.trimHorizon());
        if (args.has("efo")) {
            source.enhancedFanOut(args.get("efo", app));
        }
        if (args.getBoolean("bounded-at-job-start", false)) {
            source.boundedAtJobStart();
        }
        long maxPerSecond = args.getLong("max-records-per-second", 0);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(args.getInt("parallelism", 2));
        int restartAttempts = args.getInt("restart-attempts", 0);
        if (restartAttempts > 0) {
            Configuration restarts = new Configuration();
            restarts.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            restarts.set(
                    RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restartAttempts);
            restarts.set(
                    RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
                    Duration.ofSeconds(1));
            env.configure(restarts);
        }
        env.enableCheckpointing(
                args.getDuration("checkpoint-interval", Duration.ofSeconds(1)).toMillis());
        DataStream<OrderEvent> orders =
                env.fromSource(
                        source.build(), WatermarkStrategy.noWatermarks(), "kinesis: " + stream);
        if (maxPerSecond > 0) {
            orders = orders.map(new Pacing(maxPerSecond)).name("at most " + maxPerSecond + "/s");
        }
        orders.keyBy(order -> order.customer)
                .process(new CountPerCustomer(checkOrder))
                .name("count per customer")
                .sinkTo(new UpsertSink(url, user, table, run))
                .name("upsert into " + table);
        env.execute("count per customer (" + stream + ", run " + run + ")");
    }

    private static void createTable(String url, String user, String table) throws SQLException {
        try (Connection c = connect(url, user);
                Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TABLE IF NOT EXISTS "
                            + table
                            + " (run text NOT NULL, customer text NOT NULL, records bigint NOT"
                            + " NULL, id_sum bigint NOT NULL, updated timestamptz NOT NULL,"
                            + " PRIMARY KEY (run, customer))");
            s.execute(
                    "ALTER TABLE "
                            + table
                            + " ADD COLUMN IF NOT EXISTS out_of_order bigint NOT NULL DEFAULT 0");
        }
    }

    /**
     * A connection through {@link DriverManager}, after loading the driver class: in a Flink
     * cluster the driver is in the job's class loader, where DriverManager's own lookup does not
     * see it.
     */
    static Connection connect(String url, String user) throws SQLException {
        try {
            Class.forName("org.postgresql.Driver", true, CountJob.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new SQLException("the PostgreSQL driver is not on the class path", e);
        }
        return DriverManager.getConnection(url, user, null);
    }

    /** (customer, records, sum of order numbers, out-of-order events) after each record. */
    static final class CountPerCustomer
            extends KeyedProcessFunction<String, OrderEvent, Tuple4<String, Long, Long, Long>> {
        private static final long serialVersionUID = 1L;
        private final boolean checkOrder;
        private transient ValueState<Long> records;
        private transient ValueState<Long> idSum;
        private transient ValueState<Long> lastNumber;
        private transient ValueState<Long> outOfOrder;

        CountPerCustomer(boolean checkOrder) {
            this.checkOrder = checkOrder;
        }

        @Override
        public void open(OpenContext openContext) {
            records =
                    getRuntimeContext().getState(new ValueStateDescriptor<>("records", Types.LONG));
            idSum = getRuntimeContext().getState(new ValueStateDescriptor<>("id-sum", Types.LONG));
            lastNumber =
                    getRuntimeContext()
                            .getState(new ValueStateDescriptor<>("last-number", Types.LONG));
            outOfOrder =
                    getRuntimeContext()
                            .getState(new ValueStateDescriptor<>("out-of-order", Types.LONG));
        }

        @Override
        public void processElement(
                OrderEvent order, Context ctx, Collector<Tuple4<String, Long, Long, Long>> out)
                throws IOException {
            Long n = records.value();
            Long sum = idSum.value();
            long number = order.number();
            long newN = (n == null ? 0 : n) + 1;
            long newSum = (sum == null ? 0 : sum) + number;
            records.update(newN);
            idSum.update(newSum);
            long late = outOfOrder.value() == null ? 0 : outOfOrder.value();
            if (checkOrder) {
                Long last = lastNumber.value();
                if (last != null && number <= last) {
                    late++;
                    outOfOrder.update(late);
                } else {
                    lastNumber.update(number);
                }
            }
            out.collect(Tuple4.of(order.customer, newN, newSum, late));
        }
    }

    /**
     * Keeps the latest value per customer and upserts the changed ones in one transaction when
     * Flink flushes the writer (before each checkpoint and at the end of input).
     */
    static final class UpsertSink extends WriterSink<Tuple4<String, Long, Long, Long>> {
        private static final long serialVersionUID = 1L;
        private final String url;
        private final String user;
        private final String table;
        private final String run;

        UpsertSink(String url, String user, String table, String run) {
            this.url = url;
            this.user = user;
            this.table = table;
            this.run = run;
        }

        @Override
        SinkWriter<Tuple4<String, Long, Long, Long>> newWriter() {
            return new Writer();
        }

        private final class Writer implements SinkWriter<Tuple4<String, Long, Long, Long>> {
            private final Map<String, long[]> changed = new HashMap<>();
            private Connection connection;

            @Override
            public void write(Tuple4<String, Long, Long, Long> value, Context context) {
                changed.put(value.f0, new long[] {value.f1, value.f2, value.f3});
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                if (changed.isEmpty()) {
                    return;
                }
                try {
                    if (connection == null) {
                        connection = connect(url, user);
                        connection.setAutoCommit(false);
                    }
                    try (PreparedStatement ps =
                            connection.prepareStatement(
                                    "INSERT INTO "
                                            + table
                                            + " (run, customer, records, id_sum,"
                                            + " out_of_order, updated)"
                                            + " VALUES (?, ?, ?, ?, ?, now())"
                                            + " ON CONFLICT (run, customer) DO UPDATE SET"
                                            + " records = EXCLUDED.records,"
                                            + " id_sum = EXCLUDED.id_sum,"
                                            + " out_of_order = EXCLUDED.out_of_order,"
                                            + " updated = now()")) {
                        for (Map.Entry<String, long[]> e : changed.entrySet()) {
                            ps.setString(1, run);
                            ps.setString(2, e.getKey());
                            ps.setLong(3, e.getValue()[0]);
                            ps.setLong(4, e.getValue()[1]);
                            ps.setLong(5, e.getValue()[2]);
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                    connection.commit();
                    changed.clear();
                } catch (SQLException e) {
                    closeQuietly();
                    throw new IOException("could not upsert counts into " + table, e);
                }
            }

            @Override
            public void close() {
                closeQuietly();
            }

            private void closeQuietly() {
                if (connection != null) {
                    try {
                        connection.close();
                    } catch (SQLException ignored) {
                        // closing anyway
                    }
                    connection = null;
                }
            }
        }
    }
}
