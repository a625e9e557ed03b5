package io.github.kinesisconsumer.table;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.Credentials;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.migration.MigratePositions;
import io.github.kinesisconsumer.source.KinesisSource;
import io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema;
import io.github.kinesisconsumer.store.CheckpointKey;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.jdbc.PostgresCheckpointStore;
import io.github.kinesisconsumer.store.redis.RedisCheckpointStore;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.LocalDynamoDb;
import io.github.kinesisconsumer.testing.LogCapture;
import io.github.kinesisconsumer.testing.TestStream;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets given to the library — an AWS secret key and session token, database and Redis passwords,
 * a JDBC URL with a password — never come back out: not in logs (INFO for all, DEBUG for the
 * library), exception messages and stack traces, {@code toString()}, Flink's execution plan, job
 * graph vertex names and descriptions, the SQL plan, or metric identifiers and scope variables; for
 * a job that runs and for one that fails.
 */
class SecretsHygieneTest {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.reportingTo(METRICS, 1, 2);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesalite();

    private static final String SECRET_KEY = "sEcReT-aws-key-0451";
    private static final String SESSION_TOKEN = "sEcReT-session-token-7781";
    private static final String DB_PASSWORD = "sEcReT-db-pass-3310";
    private static final String URL_PASSWORD = "sEcReT-url-pass-5521";
    private static final String REDIS_PASSWORD = "sEcReT-redis-pass-9921";
    private static final List<String> SECRETS =
            List.of(SECRET_KEY, SESSION_TOKEN, DB_PASSWORD, URL_PASSWORD, REDIS_PASSWORD);

    private static final String PG_URL =
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=" + URL_PASSWORD;

    @Test
    void aBuilderJobThatRunsAndOneThatFailsKeepSecretsOut() throws Exception {
        TestStream stream = KINESIS.createStream(2);
        stream.put(20, i -> "k" + i, i -> "v" + i);
        List<String> seen = new ArrayList<>();
        try (LogCapture logs = new LogCapture()) {
            ClientSettings settings =
                    KINESIS.clientSettings().toBuilder()
                            .credentials(
                                    Credentials.session("AKIDHYGIENE", SECRET_KEY, SESSION_TOKEN))
                            .build();
            CheckpointStore store = postgres();
            KinesisSource<String> source = source(stream.name(), settings);
            seen.add(settings.toString());
            seen.add(settings.credentials().toString());
            seen.add(store.toString());
            seen.add(source.toString());
            seen.addAll(runAndDescribe(source, true));

            int closed;
            try (ServerSocket s = new ServerSocket(0)) {
                closed = s.getLocalPort();
            }
            ClientSettings unreachable =
                    settings.toBuilder().endpoint("http://127.0.0.1:" + closed).build();
            seen.addAll(runAndDescribe(source(stream.name(), unreachable), false));
            store.close();

            seen.add(metricNames());
            seen.add(logs.text());
            System.out.printf("secrets hygiene (builder): %d log lines checked%n", logs.lines());
        }
        assertNoSecretIn(seen);
    }

    @Test
    void aSqlJobThatRunsAndOneThatFailsKeepSecretsOut() throws Exception {
        TestStream stream = KINESIS.createStream(2);
        stream.put(20, i -> "c" + i, SqlTables::json);
        List<String> seen = new ArrayList<>();
        try (LogCapture logs = new LogCapture()) {
            Map<String, String> options = new HashMap<>();
            options.put("aws.credentials.access-key-id", null);
            options.put("aws.credentials.secret-access-key", null);
            options.put("aws.credentials.provider", "BASIC");
            options.put("aws.credentials.provider.basic.accesskeyid", "AKIDHYGIENE");
            options.put("aws.credentials.provider.basic.secretkey", SECRET_KEY);
            options.put("aws.credentials.provider.basic.sessiontoken", SESSION_TOKEN);
            options.put("checkpoint-store.type", "postgres");
            options.put("checkpoint-store.url", PG_URL);
            options.put("checkpoint-store.password", DB_PASSWORD);
            options.put("checkpoint-store.table", "kc_secrets_hygiene");
            options.put("checkpoint-store.create-table", "true");
            options.put("app-name", "hygiene");
            StreamTableEnvironment tEnv = SqlTables.streaming();
            SqlTables.createOrders(tEnv, KINESIS, stream, options);
            seen.add(tEnv.explainSql("SELECT customer, amount FROM orders"));
            assertThat(SqlTables.collect(tEnv, "SELECT customer, amount FROM orders")).hasSize(20);

            int closed;
            try (ServerSocket s = new ServerSocket(0)) {
                closed = s.getLocalPort();
            }
            Map<String, String> failing = new HashMap<>(options);
            failing.put("aws.endpoint", "http://127.0.0.1:" + closed);
            StreamTableEnvironment failingEnv = SqlTables.streaming();
            SqlTables.createOrders(failingEnv, KINESIS, stream, failing);
            Throwable failure =
                    catchFailure(
                            () -> SqlTables.collect(failingEnv, "SELECT customer FROM orders"));
            seen.add(trace(failure));

            seen.add(metricNames());
            seen.add(logs.text());
            System.out.printf("secrets hygiene (SQL): %d log lines checked%n", logs.lines());
        }
        assertNoSecretIn(seen);
    }

    @Test
    void aRedisStoreKeepsItsPasswordOut() throws Exception {
        List<String> seen = new ArrayList<>();
        try (LogCapture logs = new LogCapture()) {
            int closed;
            try (ServerSocket s = new ServerSocket(0)) {
                closed = s.getLocalPort();
            }
            for (String address : List.of("127.0.0.1:6379", "127.0.0.1:" + closed)) {
                CheckpointStore store =
                        RedisCheckpointStore.builder()
                                .url("redis://default:" + REDIS_PASSWORD + "@" + address)
                                .build();
                seen.add(store.toString());
                try {
                    store.get(new CheckpointKey("app", "stream", "shard"));
                } catch (RuntimeException e) {
                    seen.add(trace(e));
                }
                store.close();
            }
            seen.add(logs.text());
        }
        assertThat(String.join("\n", seen)).contains("Redis");
        assertNoSecretIn(seen);
    }

    /**
     * The migration tool with the database password as an option, in the JDBC URL and as the AWS
     * secret key: a run that writes, one whose store is down, one with a mistyped option.
     */
    @Test
    void theMigrationToolKeepsSecretsOut() throws Exception {
        TestStream stream = KINESIS.createStream(1);
        String table = "kcl-hygiene-" + System.nanoTime();
        String dynamo =
                System.getenv().getOrDefault("KC_DYNAMODB_ENDPOINT", "http://127.0.0.1:8000");
        try (DynamoDbClient ddb = LocalDynamoDb.client("AKIDHYGIENE")) {
            ddb.createTable(
                    r ->
                            r.tableName(table)
                                    .billingMode(BillingMode.PAY_PER_REQUEST)
                                    .attributeDefinitions(
                                            a ->
                                                    a.attributeName("leaseKey")
                                                            .attributeType(ScalarAttributeType.S))
                                    .keySchema(
                                            k ->
                                                    k.attributeName("leaseKey")
                                                            .keyType(KeyType.HASH)));
            ddb.putItem(
                    r ->
                            r.tableName(table)
                                    .item(
                                            Map.of(
                                                    "leaseKey",
                                                    AttributeValue.fromS(stream.shardIds().get(0)),
                                                    "checkpoint",
                                                    AttributeValue.fromS("TRIM_HORIZON"))));
        }
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        List<String> common =
                List.of(
                        "--from=kcl",
                        "--lease-table=" + table,
                        "--dynamodb.endpoint=" + dynamo,
                        "--stream=" + stream.name(),
                        "--kinesis.endpoint=" + KINESIS.emulator().endpoint(),
                        "--app=hygiene",
                        "--checkpoint-store.password=" + DB_PASSWORD);
        List<List<String>> runs =
                List.of(
                        List.of(
                                "--checkpoint-store.type=postgres",
                                "--checkpoint-store.url=" + PG_URL,
                                "--checkpoint-store.table=kc_secrets_hygiene",
                                "--create-table"),
                        List.of(
                                "--checkpoint-store.type=mysql",
                                "--checkpoint-store.url=jdbc:mysql://127.0.0.1:"
                                        + closed
                                        + "/test?user=root&password="
                                        + URL_PASSWORD),
                        List.of(
                                "--checkpoint-store.type=postgres",
                                "--checkpoint-store.url=" + PG_URL,
                                "--checkpoint-store.pasword=" + DB_PASSWORD));
        List<String> seen = new ArrayList<>();
        List<Integer> exits = new ArrayList<>();
        System.setProperty("aws.accessKeyId", "AKIDHYGIENE");
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
        try (LogCapture logs = new LogCapture()) {
            for (List<String> run : runs) {
                List<String> args = new ArrayList<>(common);
                args.addAll(run);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                exits.add(
                        MigratePositions.run(
                                args.toArray(new String[0]),
                                new PrintStream(out, true, StandardCharsets.UTF_8),
                                new PrintStream(out, true, StandardCharsets.UTF_8)));
                seen.add(out.toString(StandardCharsets.UTF_8));
            }
            seen.add(logs.text());
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
        System.out.println(String.join("\n", seen.subList(0, 3)));
        assertThat(exits).containsExactly(0, 1, 2);
        assertThat(seen.get(0)).contains("TRIM_HORIZON");
        assertNoSecretIn(seen);
    }

    private static CheckpointStore postgres() {
        return PostgresCheckpointStore.builder()
                .jdbcUrl(PG_URL)
                .password(DB_PASSWORD)
                .tableName("kc_secrets_hygiene")
                .createTable(true)
                .build();
    }

    private static KinesisSource<String> source(String stream, ClientSettings settings) {
        return KinesisSource.<String>builder()
                .streamName(stream)
                .appName("hygiene")
                .clientSettings(settings)
                .checkpointStore(SecretsHygieneTest::postgres)
                .startingPosition(StartingPosition.trimHorizon())
                .deserializer(KinesisDeserializationSchema.of(new SimpleStringSchema()))
                .boundedAtJobStart()
                .build();
    }

    /** Runs a job reading {@code source}: the plan, the job graph, and the failure if any. */
    private static List<String> runAndDescribe(KinesisSource<String> source, boolean succeeds)
            throws Exception {
        List<String> out = new ArrayList<>();
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "kinesis")
                .sinkTo(new DiscardingSink<>());
        out.add(env.getExecutionPlan());
        JobGraph graph = env.getStreamGraph(false).getJobGraph();
        for (JobVertex vertex : graph.getVertices()) {
            out.add(vertex.getName());
            out.add(String.valueOf(vertex.getOperatorDescription()));
            out.add(String.valueOf(vertex.getOperatorPrettyName()));
        }
        out.add(graph.getJobConfiguration().toString());
        if (succeeds) {
            env.execute("hygiene");
        } else {
            out.add(trace(catchFailure(() -> env.execute("hygiene-failing"))));
        }
        return out;
    }

    /**
     * Every metric reported so far: identifier (scope and name) and scope variables; at least the
     * source's own metrics, so the check has something to look at.
     */
    private static String metricNames() {
        StringBuilder out = new StringBuilder();
        int count = 0;
        for (var group : METRICS.getMetricsByGroup().entrySet()) {
            for (String name : group.getValue().keySet()) {
                out.append(group.getKey().getMetricIdentifier(name)).append('\n');
                count++;
            }
            out.append(group.getKey().getAllVariables()).append('\n');
        }
        assertThat(out.toString()).contains("KinesisSource").contains("getRecordsCalls");
        System.out.printf("secrets hygiene: %d metric identifiers checked%n", count);
        return out.toString();
    }

    private interface Call {
        void run() throws Exception;
    }

    private static Throwable catchFailure(Call call) {
        try {
            call.run();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("expected a failure");
    }

    private static String trace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private static void assertNoSecretIn(List<String> texts) {
        String all = String.join("\n", texts);
        assertThat(all).isNotEmpty();
        for (String secret : SECRETS) {
            int at = all.indexOf(secret);
            assertThat(at)
                    .as(
                            "secret %s leaked: ...%s...",
                            secret,
                            at < 0
                                    ? ""
                                    : all.substring(
                                            Math.max(0, at - 300), Math.min(all.length(), at + 60)))
                    .isEqualTo(-1);
        }
    }
}
