package io.github.kinesisconsumer.store.jdbc;

import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointKey;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreException;
import io.github.kinesisconsumer.testing.CountingDataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the SQL stores do beyond the conformance suite: tables made by harlow/kinesis-consumer,
 * table name validation, one statement per batch, and the no-regression rule over every ordering of
 * a small domain of checkpoints.
 */
abstract class JdbcCheckpointStoreSchemaTest {

    static final String SEQ_A = "49590338271490256608559692538361571095921575989136588801";
    static final String SEQ_B = "49590338271490256608559692538361571095921575989136588802";
    static final String SEQ_C = "49590338271490256608559692540925702759324208523137515522";

    private static final Logger LOG = LoggerFactory.getLogger(JdbcCheckpointStoreSchemaTest.class);
    private static final String APP = "go-app";
    private static final String STREAM = "orders";

    protected String table;
    private final List<CheckpointStore> stores = new ArrayList<>();

    abstract TestDatabase db();

    /** A builder with the test server's URL and credentials. */
    abstract JdbcCheckpointStoreBuilder<?, ?> newBuilder();

    /** A builder with nothing set. */
    abstract JdbcCheckpointStoreBuilder<?, ?> bareBuilder();

    /** The CREATE TABLE of harlow/kinesis-consumer, verbatim apart from the name. */
    abstract String goSchema(String table);

    /**
     * The Go library's own checkpoint write, apart from the table name (and JDBC placeholders):
     * binds namespace, shard id and sequence number, the last again when a fourth is asked for.
     */
    abstract String goWrite(String table);

    /** Whether {@link #goWrite} replaces the whole row (MySQL) rather than one column. */
    abstract boolean goWriteReplacesTheRow();

    @BeforeEach
    void tableName() {
        table = "kc_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @AfterEach
    void dropTable() throws Exception {
        stores.forEach(CheckpointStore::close);
        db().execute("DROP TABLE IF EXISTS " + table);
    }

    private JdbcCheckpointStore store(boolean createTable) {
        JdbcCheckpointStoreBuilder<?, ?> b = newBuilder();
        b.tableName(table).createTable(createTable);
        JdbcCheckpointStore store = b.build();
        stores.add(store);
        return store;
    }

    private void goTableWithRows() throws Exception {
        db().execute(
                        goSchema(table),
                        "INSERT INTO "
                                + table
                                + " (namespace, shard_id, sequence_number) VALUES"
                                + " ('go-app-orders', 'shardId-000000000000', "
                                + SEQ_B
                                + "), ('go-app-orders', 'shardId-000000000001', 12345),"
                                + " ('go-app-other', 'shardId-000000000000', 1)");
    }

    private Set<String> columns() throws Exception {
        try (Connection c = db().connect();
                ResultSet rs =
                        c.createStatement().executeQuery("SELECT * FROM " + table + " WHERE 1=0")) {
            ResultSetMetaData meta = rs.getMetaData();
            Set<String> names = new HashSet<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                names.add(meta.getColumnName(i).toLowerCase(Locale.ROOT));
            }
            return names;
        }
    }

    /** What the Go library reads: the sequence number column alone. */
    private String goRead(String shardId) throws Exception {
        try (Connection c = db().connect();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT sequence_number FROM "
                                        + table
                                        + " WHERE namespace = ? AND shard_id = ?")) {
            ps.setString(1, "go-app-orders");
            ps.setString(2, shardId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBigDecimal(1).toPlainString() : null;
            }
        }
    }

    private void goSave(String shardId, String sequenceNumber) throws Exception {
        try (Connection c = db().connect();
                PreparedStatement ps = c.prepareStatement(goWrite(table))) {
            ps.setString(1, "go-app-orders");
            ps.setString(2, shardId);
            ps.setBigDecimal(3, new java.math.BigDecimal(sequenceNumber));
            if (ps.getParameterMetaData().getParameterCount() == 4) {
                ps.setBigDecimal(4, new java.math.BigDecimal(sequenceNumber));
            }
            ps.executeUpdate();
        }
    }

    @Test
    void aLaterGoWriteVoidsTheSubSequenceAndFinishedWrittenForAnEarlierSequence() throws Exception {
        JdbcCheckpointStore store = store(true);
        CheckpointKey key = new CheckpointKey(APP, STREAM, "shardId-000000000000");
        store.put(key, Checkpoint.of(SEQ_A, 5, false));
        store.put(new CheckpointKey(APP, STREAM, "shardId-000000000001"), Checkpoint.at(SEQ_A));

        goSave("shardId-000000000000", SEQ_B);
        goSave("shardId-000000000001", SEQ_C);

        assertThat(store.get(key)).contains(Checkpoint.at(SEQ_B));
        assertThat(store.getAll(APP, STREAM))
                .containsEntry("shardId-000000000000", Checkpoint.at(SEQ_B))
                .containsEntry("shardId-000000000001", Checkpoint.at(SEQ_C));
        // and our next write goes on from the Go position
        store.put(key, Checkpoint.of(SEQ_C, 0, false));
        assertThat(store.get(key)).contains(Checkpoint.of(SEQ_C, 0, false));
        store.put(key, Checkpoint.of(SEQ_B, 9, true));
        assertThat(store.get(key)).contains(Checkpoint.of(SEQ_C, 0, false));
    }

    @Test
    void insideAnAggregateTheGoColumnKeepsAPositionFromWhichGoLosesNothing() throws Exception {
        JdbcCheckpointStore store = store(true);
        CheckpointKey key = new CheckpointKey(APP, STREAM, "shardId-000000000000");
        store.put(key, Checkpoint.at(SEQ_A));
        assertThat(goRead("shardId-000000000000")).isEqualTo(SEQ_A);

        // mid aggregate SEQ_C, the record before it unknown (e.g. just after a restore)
        store.put(key, Checkpoint.of(SEQ_C, 2, false));
        assertThat(goRead("shardId-000000000000")).isEqualTo(SEQ_A);
        assertThat(store.get(key)).contains(Checkpoint.of(SEQ_C, 2, false));

        // mid aggregate SEQ_C, with SEQ_B read whole before it
        store.put(key, Checkpoint.of(SEQ_C, 4, false).withWholeRecordSequence(SEQ_B));
        assertThat(goRead("shardId-000000000000")).isEqualTo(SEQ_B);
        assertThat(store.get(key)).contains(Checkpoint.of(SEQ_C, 4, false));
        assertThat(store.get(key).orElseThrow().wholeRecordSequence()).isEqualTo(SEQ_B);

        // a Go reader resumes after SEQ_B and saves there: PostgreSQL keeps our columns, MySQL's
        // REPLACE drops them (we then re-read the aggregate: nothing lost)
        goSave("shardId-000000000000", SEQ_B);
        assertThat(store.get(key))
                .contains(
                        goWriteReplacesTheRow()
                                ? Checkpoint.at(SEQ_B)
                                : Checkpoint.of(SEQ_C, 4, false));

        // the aggregate read to its end: the shard ends there
        store.put(key, Checkpoint.of(SEQ_C, 9, true));
        assertThat(goRead("shardId-000000000000")).isEqualTo(SEQ_C);
        assertThat(store.get(key)).contains(Checkpoint.of(SEQ_C, 9, true));
    }

    @Test
    void rowsOfTheGoLibraryReadAsStartingCheckpoints() throws Exception {
        goTableWithRows();
        JdbcCheckpointStore store = store(false);
        assertThat(store.getAll(APP, STREAM))
                .isEqualTo(
                        Map.of(
                                "shardId-000000000000", Checkpoint.at(SEQ_B),
                                "shardId-000000000001", Checkpoint.at("12345")));
        assertThat(store.get(new CheckpointKey(APP, STREAM, "shardId-000000000000")))
                .contains(Checkpoint.at(SEQ_B));
        assertThat(
                        store.get(new CheckpointKey(APP, STREAM, "shardId-000000000000"))
                                .get()
                                .resumePosition())
                .isEqualTo(Checkpoint.at(SEQ_B).resumePosition());
    }

    @Test
    void withoutCreateTableAGoTableIsWrittenInItsOwnColumnsAndNeverRegresses() throws Exception {
        goTableWithRows();
        JdbcCheckpointStore store = store(false);
        CheckpointKey key = new CheckpointKey(APP, STREAM, "shardId-000000000000");

        store.put(key, Checkpoint.at(SEQ_A));
        store.put(key, Checkpoint.of(SEQ_B, 4, true));
        assertThat(store.get(key)).contains(Checkpoint.at(SEQ_B));

        store.putAll(
                APP,
                STREAM,
                Map.of(
                        "shardId-000000000000", Checkpoint.of(SEQ_C, 2, false),
                        "shardId-000000000001", Checkpoint.at("9999"),
                        "shardId-000000000002", Checkpoint.at(SEQ_A)));
        assertThat(store.getAll(APP, STREAM))
                .isEqualTo(
                        Map.of(
                                "shardId-000000000000", Checkpoint.at(SEQ_C),
                                "shardId-000000000001", Checkpoint.at("12345"),
                                "shardId-000000000002", Checkpoint.at(SEQ_A)));
        assertThat(goRead("shardId-000000000000")).isEqualTo(SEQ_C);
        assertThat(goRead("shardId-000000000002")).isEqualTo(SEQ_A);
        assertThat(columns()).containsExactlyInAnyOrder("namespace", "shard_id", "sequence_number");

        store.delete(key);
        assertThat(store.get(key)).isEmpty();
    }

    @Test
    void createTableAddsTheExtraColumnsToAGoTable() throws Exception {
        goTableWithRows();
        JdbcCheckpointStore store = store(true);
        CheckpointKey key = new CheckpointKey(APP, STREAM, "shardId-000000000000");
        assertThat(store.get(key)).contains(Checkpoint.at(SEQ_B));
        assertThat(columns())
                .containsExactlyInAnyOrder(
                        "namespace",
                        "shard_id",
                        "sequence_number",
                        "sub_sequence_number",
                        "finished",
                        "exact_sequence_number");

        store.put(key, Checkpoint.of(SEQ_B, 7, false));
        assertThat(store.get(key)).contains(Checkpoint.of(SEQ_B, 7, false));
        store.put(key, Checkpoint.of(SEQ_B, 6, true));
        assertThat(store.get(key)).contains(Checkpoint.of(SEQ_B, 7, false));
        store.put(key, Checkpoint.of(SEQ_B, 7, true));
        assertThat(store.get(key)).contains(Checkpoint.of(SEQ_B, 7, true));
        assertThat(goRead("shardId-000000000000")).isEqualTo(SEQ_B);
        assertThat(store.get(new CheckpointKey(APP, STREAM, "shardId-000000000001")))
                .contains(Checkpoint.at("12345"));

        // a second store (another process) finds the columns in place
        assertThat(store(false).get(key)).contains(Checkpoint.of(SEQ_B, 7, true));
    }

    @Test
    void createTableMakesTheTableWhenMissing() throws Exception {
        JdbcCheckpointStore store = store(true);
        assertThat(store.getAll(APP, STREAM)).isEmpty();
        assertThat(columns()).hasSize(6);
    }

    @Test
    void aMissingTableWithoutCreateTableFailsNamingTheFix() {
        JdbcCheckpointStore store = store(false);
        assertThatThrownBy(() -> store.getAll(APP, STREAM))
                .isInstanceOf(CheckpointStoreException.class)
                .hasMessageContaining(table)
                .hasMessageContaining("getAll")
                .hasMessageContaining("createTable(true)");
    }

    @Test
    void aMissingTableMessageCarriesTheDdlToRun() {
        assertThatThrownBy(() -> store(false).get(new CheckpointKey(APP, STREAM, "s")))
                .isInstanceOf(CheckpointStoreException.class)
                .hasMessageContaining("table " + table + " does not exist; create it with: CREATE")
                .hasMessageContaining("sequence_number")
                .hasMessageContaining("PRIMARY KEY (namespace, shard_id)");
    }

    @Test
    void anIntegerSequenceColumnIsRejectedNamingTheColumnAndTheDdl() throws Exception {
        db().execute(
                        "CREATE TABLE "
                                + table
                                + " (namespace varchar(255) NOT NULL, shard_id varchar(255) NOT"
                                + " NULL, sequence_number integer NOT NULL,"
                                + " PRIMARY KEY (namespace, shard_id))");
        JdbcCheckpointStore store = store(false);
        assertThatThrownBy(
                        () -> store.put(new CheckpointKey(APP, STREAM, "s"), Checkpoint.at(SEQ_A)))
                .isInstanceOf(CheckpointStoreException.class)
                .hasMessageContaining("column sequence_number of table " + table + " is")
                .hasMessageContaining("cannot hold Kinesis sequence numbers (up to 128 digits)")
                .hasMessageContaining("CREATE TABLE");
    }

    @Test
    void anUnparsableStoredValueNamesTheShardAndWhatWasFound() throws Exception {
        db().execute(
                        "CREATE TABLE "
                                + table
                                + " (namespace varchar(255) NOT NULL, shard_id varchar(255) NOT"
                                + " NULL, sequence_number varchar(255) NOT NULL,"
                                + " PRIMARY KEY (namespace, shard_id))",
                        "INSERT INTO "
                                + table
                                + " VALUES ('go-app-orders', 'shardId-000000000007', 'garbage')");
        JdbcCheckpointStore store = store(false);
        assertThatThrownBy(() -> store.getAll(APP, STREAM))
                .isInstanceOf(CheckpointStoreException.class)
                .hasMessageContaining(
                        "the row of shard 'shardId-000000000007' holds 'garbage' in"
                                + " sequence_number, not a Kinesis sequence number");
        assertThatThrownBy(() -> store.get(new CheckpointKey(APP, STREAM, "shardId-000000000007")))
                .isInstanceOf(CheckpointStoreException.class)
                .hasMessageContaining("namespace 'go-app-orders', shard 'shardId-000000000007'")
                .hasMessageContaining("holds 'garbage'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"x; drop table y", "1abc", "", "a.b.c", "t-1", "schema.", ".t", "é"})
    void invalidTableNamesAreRejected(String name) {
        assertThatThrownBy(() -> bareBuilder().tableName(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[A-Za-z_][A-Za-z0-9_]{0,62}")
                .hasMessageContaining("'" + name + "'");
    }

    @Test
    void aTooLongTableNameIsRejected() {
        String name = "t".repeat(64);
        assertThatThrownBy(() -> bareBuilder().tableName(name))
                .isInstanceOf(IllegalArgumentException.class);
        bareBuilder().tableName("t".repeat(63));
        bareBuilder().tableName("_s.T_1");
    }

    @Test
    void aBatchOfAThousandShardsIsOneStatement() {
        CountingDataSource counting = new CountingDataSource(db()::connect);
        JdbcCheckpointStore store = dataSourceStore(counting);
        assertThat(store.getAll(APP, STREAM)).isEmpty();

        Map<String, Checkpoint> batch = new HashMap<>();
        for (int i = 0; i < 1_000; i++) {
            batch.put(String.format("shardId-%012d", i), Checkpoint.of(SEQ_A + i, i, i % 2 == 0));
        }
        counting.reset();
        store.putAll(APP, STREAM, batch);
        assertThat(counting.executions).hasValue(1);
        assertThat(counting.batchAdds).hasValue(0);
        assertThat(counting.preparedSql).hasSize(1);
        assertThat(store.getAll(APP, STREAM)).isEqualTo(batch);

        for (int i = 1_000; i < 2_500; i++) {
            batch.put(String.format("shardId-%012d", i), Checkpoint.at(SEQ_B));
        }
        counting.reset();
        store.putAll(APP, STREAM, batch);
        assertThat(counting.executions).hasValue(3);
        assertThat(store.getAll(APP, STREAM)).isEqualTo(batch);
    }

    private JdbcCheckpointStore dataSourceStore(CountingDataSource counting) {
        JdbcCheckpointStoreBuilder<?, ?> b = bareBuilder();
        b.dataSource(counting.dataSource()).tableName(table).createTable(true);
        JdbcCheckpointStore store = b.build();
        stores.add(store);
        return store;
    }

    @Test
    void everyOrderingOfTwoCheckpointsKeepsTheGreater() {
        checkEveryOrdering(store(true), true);
    }

    @Test
    void everyOrderingOfTwoCheckpointsKeepsTheGreaterSequenceInAGoTable() throws Exception {
        db().execute(goSchema(table));
        checkEveryOrdering(store(false), false);
    }

    private static void checkEveryOrdering(JdbcCheckpointStore store, boolean extras) {
        List<Checkpoint> domain = new ArrayList<>();
        for (String seq : List.of("5", "10", "100")) {
            for (long sub = -1; sub <= 2; sub++) {
                domain.add(Checkpoint.of(seq, sub, false));
                domain.add(Checkpoint.of(seq, sub, true));
            }
        }
        Map<String, Checkpoint> first = new LinkedHashMap<>();
        Map<String, Checkpoint> second = new LinkedHashMap<>();
        Map<String, Checkpoint> expected = new HashMap<>();
        for (int i = 0; i < domain.size(); i++) {
            for (int j = 0; j < domain.size(); j++) {
                String shard = "s-" + i + "-" + j;
                Checkpoint a = domain.get(i);
                Checkpoint b = domain.get(j);
                first.put(shard, a);
                second.put(shard, b);
                Checkpoint greater = b.isAfter(a) ? b : a;
                expected.put(
                        shard,
                        extras
                                ? greater
                                : Checkpoint.at(
                                        a.numericSequence().max(b.numericSequence()).toString()));
            }
        }
        store.putAll(APP, STREAM, first);
        store.putAll(APP, STREAM, second);
        Map<String, Checkpoint> stored = store.getAll(APP, STREAM);
        List<String> wrong = new ArrayList<>();
        expected.forEach(
                (shard, want) -> {
                    if (!want.equals(stored.get(shard))) {
                        wrong.add(
                                first.get(shard)
                                        + " then "
                                        + second.get(shard)
                                        + " stored "
                                        + stored.get(shard)
                                        + ", not "
                                        + want);
                    }
                });
        assertThat(stored).hasSameSizeAs(expected);
        assertThat(wrong).isEmpty();
    }

    @Test
    void overlappingBatchesFromConcurrentWritersNeitherDeadlockNorRegress() throws Exception {
        int writers = 4;
        int rounds = 15;
        List<JdbcCheckpointStore> writerStores = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            writerStores.add(store(true));
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                JdbcCheckpointStore s = writerStores.get(w);
                Random random = new Random(w);
                futures.add(
                        pool.submit(
                                () -> {
                                    for (int r = 0; r < rounds; r++) {
                                        Map<String, Checkpoint> batch = new HashMap<>();
                                        for (int i = 0; i < 300; i++) {
                                            int shard = random.nextInt(400);
                                            batch.put(
                                                    "shard-" + shard,
                                                    Checkpoint.of(
                                                            String.valueOf(1_000 + r),
                                                            random.nextInt(3),
                                                            false));
                                        }
                                        s.putAll(APP, STREAM, batch);
                                    }
                                    s.putAll(APP, STREAM, Map.of("shard-0", Checkpoint.at("5000")));
                                    return null;
                                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, Checkpoint> all = writerStores.get(0).getAll(APP, STREAM);
        assertThat(all.get("shard-0")).isEqualTo(Checkpoint.at("5000"));
        assertThat(all.values())
                .allSatisfy(
                        c ->
                                assertThat(c.numericSequence().intValue())
                                        .isGreaterThanOrEqualTo(1_000));
    }

    @Test
    void aUrlOfAnotherDatabaseIsRejected() {
        JdbcCheckpointStoreBuilder<?, ?> b = bareBuilder();
        b.jdbcUrl("jdbc:sqlserver://localhost:1433");
        assertThatThrownBy(b::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JDBC URL");
    }

    @Test
    void errorsNameTheStoreTableAndOperationButNotThePassword() {
        JdbcCheckpointStoreBuilder<?, ?> b = bareBuilder();
        b.jdbcUrl(db().urlAt("127.0.0.1", 1)).user("nobody").password("s3cret-pw").tableName(table);
        JdbcCheckpointStore store = b.build();
        stores.add(store);
        assertThatThrownBy(() -> store.delete(new CheckpointKey(APP, STREAM, "s")))
                .isInstanceOf(CheckpointStoreException.class)
                .hasMessageContaining(table)
                .hasMessageContaining("checkpoint store")
                .hasMessageContaining("delete")
                .hasMessageNotContaining("s3cret-pw")
                .satisfies(e -> LOG.info("an unreachable server reads: {}", e.getMessage()));
    }
}
