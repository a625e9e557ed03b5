package io.github.kinesisconsumer.store.jdbc;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointKey;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A checkpoint store in a SQL table with the layout of harlow/kinesis-consumer: one row per {@code
 * (namespace, shard_id)} with the {@code sequence_number}, where the namespace is {@code
 * <appName>-<streamName>}. Three optional columns, {@code exact_sequence_number}, {@code
 * sub_sequence_number} and {@code finished}, hold the exact position, which that layout lacks; rows
 * without them (written by the Go library) read as {@link Checkpoint#at(String)}. Inside a KPL
 * aggregate, {@code sequence_number} keeps the last record read whole, so that the Go library,
 * which resumes after whole records, re-reads the aggregate instead of skipping its rest; once the
 * Go library writes a {@code sequence_number} past the exact position, the extra columns no longer
 * count. A table without those columns is used as it is, keeping sequence numbers only, unless
 * {@code createTable(true)} may add them.
 *
 * <p>Every write is one statement per 1,000 shards that keeps, row by row, the greater of the
 * stored and the new checkpoint, so concurrent or late writers never move a position backwards.
 * Rows are written in shard order, and a statement that hits a deadlock is retried once.
 */
@PublicEvolving
public abstract class JdbcCheckpointStore implements CheckpointStore {

    static final int MAX_ROWS_PER_STATEMENT = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(JdbcCheckpointStore.class);

    private final SqlDialect dialect;
    private final TableName table;
    private final boolean createTable;
    private final int queryTimeoutSeconds;
    private final ConnectionSource connections;
    private final Object schemaLock = new Object();
    private final TableSetup tableSetup;
    private volatile Boolean extraColumns;
    private volatile boolean closed;

    JdbcCheckpointStore(SqlDialect dialect, JdbcCheckpointStoreBuilder<?, ?> builder) {
        this.dialect = dialect;
        this.table = builder.table();
        this.createTable = builder.createTableEnabled();
        this.queryTimeoutSeconds = builder.queryTimeoutSeconds();
        this.connections = builder.connections();
        this.tableSetup = new TableSetup(dialect, table, createTable, queryTimeoutSeconds, this);
    }

    /** The table, as used in SQL. */
    public String tableName() {
        return table.sql();
    }

    @Override
    public Optional<Checkpoint> get(CheckpointKey key) {
        String namespace = key.namespace();
        return run(
                "get",
                namespace,
                key.shardId(),
                (c, extras) -> {
                    try (PreparedStatement ps =
                            prepare(
                                    c,
                                    "SELECT "
                                            + selectList(extras)
                                            + " FROM "
                                            + table.sql()
                                            + " WHERE namespace = ? AND shard_id = ?")) {
                        ps.setString(1, namespace);
                        ps.setString(2, key.shardId());
                        try (ResultSet rs = ps.executeQuery()) {
                            return rs.next()
                                    ? Optional.of(read(rs, extras, key.shardId()))
                                    : Optional.<Checkpoint>empty();
                        }
                    }
                });
    }

    @Override
    public Map<String, Checkpoint> getAll(String appName, String streamName) {
        String namespace = CheckpointKey.namespace(appName, streamName);
        return run(
                "getAll",
                namespace,
                null,
                (c, extras) -> {
                    try (PreparedStatement ps =
                            prepare(
                                    c,
                                    "SELECT shard_id, "
                                            + selectList(extras)
                                            + " FROM "
                                            + table.sql()
                                            + " WHERE namespace = ?")) {
                        ps.setString(1, namespace);
                        Map<String, Checkpoint> out = new HashMap<>();
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                String shardId = rs.getString(Columns.SHARD_ID);
                                out.put(shardId, read(rs, extras, shardId));
                            }
                        }
                        return out;
                    }
                });
    }

    @Override
    public void putAll(String appName, String streamName, Map<String, Checkpoint> checkpoints) {
        if (checkpoints.isEmpty()) {
            return;
        }
        String namespace = CheckpointKey.namespace(appName, streamName);
        List<Map.Entry<String, Checkpoint>> rows = new ArrayList<>(checkpoints.entrySet());
        rows.sort(Map.Entry.comparingByKey());
        for (Map.Entry<String, Checkpoint> row : rows) {
            Objects.requireNonNull(row.getKey(), "shard id");
            Objects.requireNonNull(row.getValue(), "checkpoint of " + row.getKey());
        }
        run(
                "putAll of " + rows.size() + " checkpoint(s)",
                namespace,
                rows.size() == 1 ? rows.get(0).getKey() : null,
                (c, extras) -> {
                    for (int from = 0; from < rows.size(); from += MAX_ROWS_PER_STATEMENT) {
                        List<Map.Entry<String, Checkpoint>> chunk =
                                rows.subList(
                                        from, Math.min(rows.size(), from + MAX_ROWS_PER_STATEMENT));
                        try (PreparedStatement ps =
                                prepare(c, dialect.upsert(table, chunk.size(), extras))) {
                            int i = 1;
                            for (Map.Entry<String, Checkpoint> row : chunk) {
                                i = bind(ps, i, namespace, row.getKey(), row.getValue(), extras);
                            }
                            ps.executeUpdate();
                        }
                    }
                    return null;
                });
    }

    @Override
    public void delete(CheckpointKey key) {
        String namespace = key.namespace();
        run(
                "delete",
                namespace,
                key.shardId(),
                (c, extras) -> {
                    try (PreparedStatement ps =
                            prepare(
                                    c,
                                    "DELETE FROM "
                                            + table.sql()
                                            + " WHERE namespace = ? AND shard_id = ?")) {
                        ps.setString(1, namespace);
                        ps.setString(2, key.shardId());
                        ps.executeUpdate();
                    }
                    return null;
                });
    }

    /** Closes the store's own connections; a {@code DataSource} given to the builder stays open. */
    @Override
    public void close() {
        closed = true;
        connections.close();
    }

    @Override
    public String toString() {
        return dialect.displayName() + " checkpoint store (table " + table + ")";
    }

    private static String selectList(boolean extras) {
        return extras
                ? "sequence_number, sub_sequence_number, finished, exact_sequence_number"
                : "sequence_number";
    }

    private static int bind(
            PreparedStatement ps,
            int index,
            String namespace,
            String shardId,
            Checkpoint checkpoint,
            boolean extras)
            throws SQLException {
        int i = index;
        ps.setString(i++, namespace);
        ps.setString(i++, shardId);
        String whole = checkpoint.wholeRecordSequence();
        ps.setBigDecimal(
                i++,
                whole == null
                        ? new BigDecimal(checkpoint.numericSequence())
                        : new BigDecimal(whole));
        if (extras) {
            if (checkpoint.subSequenceNumber() == StartingPosition.NO_SUB_SEQUENCE) {
                ps.setNull(i++, Types.BIGINT);
            } else {
                ps.setLong(i++, checkpoint.subSequenceNumber());
            }
            ps.setBoolean(i++, checkpoint.isFinished());
            ps.setBigDecimal(i++, new BigDecimal(checkpoint.numericSequence()));
        }
        return i;
    }

    private Checkpoint read(ResultSet rs, boolean extras, String shardId) throws SQLException {
        BigInteger sequence = sequenceIn(rs, Columns.SEQUENCE_NUMBER, shardId);
        if (!extras) {
            return Checkpoint.at(sequence.toString());
        }
        BigInteger exact =
                rs.getString(Columns.EXACT_SEQUENCE_NUMBER) == null
                        ? null
                        : sequenceIn(rs, Columns.EXACT_SEQUENCE_NUMBER, shardId);
        if (exact != null && sequence.compareTo(exact) > 0) {
            return Checkpoint.at(sequence.toString());
        }
        long subSequence = StartingPosition.NO_SUB_SEQUENCE;
        long sub = rs.getLong(Columns.SUB_SEQUENCE_NUMBER);
        if (!rs.wasNull()) {
            subSequence = sub;
        }
        boolean finished = rs.getBoolean(Columns.FINISHED);
        if (exact == null) {
            return Checkpoint.of(sequence.toString(), subSequence, finished);
        }
        return Checkpoint.of(exact.toString(), subSequence, finished)
                .withWholeRecordSequence(sequence.toString());
    }

    private static BigInteger sequenceIn(ResultSet rs, String column, String shardId)
            throws SQLException {
        BigDecimal stored;
        try {
            stored = rs.getBigDecimal(column);
        } catch (SQLException | NumberFormatException e) {
            throw unreadable(shardId, "'" + rs.getString(column) + "'", e);
        }
        BigInteger sequence;
        try {
            sequence = stored.toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw unreadable(shardId, stored.toPlainString() + " (not an integer)", e);
        }
        if (sequence.signum() < 0) {
            throw unreadable(shardId, stored.toPlainString() + " (negative)", null);
        }
        return sequence;
    }

    private static SQLException unreadable(String shardId, String found, Exception cause) {
        return new SQLException(
                "the row of shard '"
                        + shardId
                        + "' holds "
                        + found
                        + " in "
                        + Columns.SEQUENCE_NUMBER
                        + ", not a Kinesis sequence number; fix or delete that row",
                cause);
    }

    private PreparedStatement prepare(Connection c, String sql) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        ps.setQueryTimeout(queryTimeoutSeconds);
        return ps;
    }

    /** Statements against the table, told whether it has the extra columns. */
    @FunctionalInterface
    private interface TableWork<T> {
        T run(Connection connection, boolean extraColumns) throws SQLException;
    }

    @FunctionalInterface
    private interface ConnectionWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T run(String operation, String namespace, String shardId, TableWork<T> work) {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        try {
            boolean extras = extraColumns();
            return withConnection(c -> work.run(c, extras));
        } catch (SQLException e) {
            throw new CheckpointStoreException(
                    this
                            + ": "
                            + operation
                            + " for namespace '"
                            + namespace
                            + "'"
                            + (shardId == null ? "" : ", shard '" + shardId + "'")
                            + " failed: "
                            + describe(e),
                    e);
        }
    }

    static String describe(SQLException e) {
        return e.getMessage()
                + (e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")");
    }

    /**
     * Runs {@code work} on a connection, committing if the connection does not auto-commit. Retries
     * once on a fresh connection when a reused one turns out broken, and once after a deadlock.
     */
    private <T> T withConnection(ConnectionWork<T> work) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            Connection c = connections.acquire();
            boolean reused = connections.wasReused(c);
            boolean healthy = false;
            try {
                T result = inTransaction(c, work);
                healthy = true;
                return result;
            } catch (SQLException e) {
                boolean brokenConnection = JdbcSupport.isConnectionFailure(e);
                healthy = !brokenConnection;
                boolean retry =
                        attempt == 1 && ((reused && brokenConnection) || JdbcSupport.isConflict(e));
                if (!retry) {
                    throw e;
                }
                LOG.debug("{}: retrying after {}", this, describe(e));
            } finally {
                if (healthy) {
                    connections.release(c);
                } else {
                    connections.discard(c);
                }
            }
        }
    }

    private static <T> T inTransaction(Connection c, ConnectionWork<T> work) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        try {
            T result = work.run(c);
            if (!autoCommit) {
                c.commit();
            }
            return result;
        } catch (SQLException | RuntimeException e) {
            if (!autoCommit) {
                try {
                    c.rollback();
                } catch (SQLException rollbackFailure) {
                    // SQLState class 08 makes the caller drop the connection
                    SQLException broken =
                            new SQLException(
                                    "rollback failed after: " + e.getMessage(), "08000", e);
                    broken.addSuppressed(rollbackFailure);
                    throw broken;
                }
            }
            throw e;
        }
    }

    /** Whether the table has the extra columns; found out (and fixed if allowed) once. */
    private boolean extraColumns() throws SQLException {
        Boolean known = extraColumns;
        if (known != null) {
            return known;
        }
        synchronized (schemaLock) {
            if (extraColumns == null) {
                extraColumns = withConnection(tableSetup::prepare);
            }
            return extraColumns;
        }
    }
}
