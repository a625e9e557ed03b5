package io.github.kinesisconsumer.kinesis;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.io.Serializable;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where to start reading a shard: {@code LATEST}, {@code TRIM_HORIZON}, {@code AT_TIMESTAMP}, or
 * at/after a sequence number.
 *
 * <p>A position after a sequence number may carry a sub-sequence number, the index of a user record
 * inside a KPL aggregate. Such a position resumes inside the aggregate: the aggregate is fetched
 * again and its user records up to and including that sub-sequence number are skipped.
 */
@PublicEvolving
public final class StartingPosition implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Marks a position that is not inside an aggregated record. */
    public static final long NO_SUB_SEQUENCE = -1L;

    /** The kinds of starting position. */
    public enum Type {
        LATEST,
        TRIM_HORIZON,
        AT_TIMESTAMP,
        AT_SEQUENCE_NUMBER,
        AFTER_SEQUENCE_NUMBER,
        /** Resolved per shard from a checkpoint store, else the fallback. */
        FROM_STORE,
        /** Given per shard (e.g. where an earlier consumer stopped), else the fallback. */
        PER_SHARD
    }

    private static final StartingPosition LATEST_POSITION =
            new StartingPosition(Type.LATEST, null, NO_SUB_SEQUENCE, null);
    private static final StartingPosition TRIM_HORIZON_POSITION =
            new StartingPosition(Type.TRIM_HORIZON, null, NO_SUB_SEQUENCE, null);

    private final Type type;
    private final String sequenceNumber;
    private final long subSequenceNumber;
    private final Instant timestamp;
    private final StartingPosition fallback;
    private final HashMap<String, StartingPosition> shardPositions;
    private final HashSet<String> finishedShards;

    private StartingPosition(
            Type type, String sequenceNumber, long subSequenceNumber, Instant timestamp) {
        this(type, sequenceNumber, subSequenceNumber, timestamp, null);
    }

    private StartingPosition(
            Type type,
            String sequenceNumber,
            long subSequenceNumber,
            Instant timestamp,
            StartingPosition fallback) {
        this(type, sequenceNumber, subSequenceNumber, timestamp, fallback, null, null);
    }

    private StartingPosition(
            Type type,
            String sequenceNumber,
            long subSequenceNumber,
            Instant timestamp,
            StartingPosition fallback,
            HashMap<String, StartingPosition> shardPositions,
            HashSet<String> finishedShards) {
        this.type = type;
        this.sequenceNumber = sequenceNumber;
        this.subSequenceNumber = subSequenceNumber;
        this.timestamp = timestamp;
        this.fallback = fallback;
        this.shardPositions = shardPositions;
        this.finishedShards = finishedShards;
    }

    /**
     * Each shard starts after its checkpoint in the configured checkpoint store; shards that are
     * finished there (or whose descendants have checkpoints) are not read again; shards without a
     * checkpoint start at {@code fallback}.
     */
    public static StartingPosition fromStore(StartingPosition fallback) {
        if (fallback == null
                || fallback.type == Type.FROM_STORE
                || fallback.type == Type.PER_SHARD) {
            throw new IllegalArgumentException(
                    "fromStore needs a fallback such as latest(), trimHorizon() or"
                            + " atTimestamp(..)");
        }
        return new StartingPosition(Type.FROM_STORE, null, NO_SUB_SEQUENCE, null, fallback);
    }

    /**
     * Each shard starts where {@code positions} says; shards in {@code finishedShards} are not read
     * (their children start at TRIM_HORIZON, as do other shards whose ancestor has a position); any
     * other shard starts at {@code fallback}. Used to start where an earlier consumer stopped (see
     * {@code io.github.kinesisconsumer.migration.MigrationPlan}).
     */
    public static StartingPosition perShard(
            Map<String, StartingPosition> positions,
            Set<String> finishedShards,
            StartingPosition fallback) {
        if (fallback == null
                || fallback.type == Type.FROM_STORE
                || fallback.type == Type.PER_SHARD) {
            throw new IllegalArgumentException(
                    "perShard needs a fallback such as latest(), trimHorizon() or"
                            + " atTimestamp(..)");
        }
        HashMap<String, StartingPosition> copy = new HashMap<>();
        for (Map.Entry<String, StartingPosition> e : positions.entrySet()) {
            StartingPosition p = Objects.requireNonNull(e.getValue(), e.getKey());
            if (p.type == Type.FROM_STORE || p.type == Type.PER_SHARD || p.type == Type.LATEST) {
                throw new IllegalArgumentException(
                        "shard "
                                + e.getKey()
                                + ": a per-shard position must be a sequence position,"
                                + " trimHorizon() or atTimestamp(..), but was "
                                + p);
            }
            if (finishedShards.contains(e.getKey())) {
                throw new IllegalArgumentException(
                        "shard " + e.getKey() + " is given both a position and as finished");
            }
            copy.put(e.getKey(), p);
        }
        return new StartingPosition(
                Type.PER_SHARD,
                null,
                NO_SUB_SEQUENCE,
                null,
                fallback,
                copy,
                new HashSet<>(finishedShards));
    }

    /** The positions of a {@link Type#PER_SHARD} position by shard id, else empty. */
    public Map<String, StartingPosition> shardPositions() {
        return shardPositions == null ? Map.of() : Collections.unmodifiableMap(shardPositions);
    }

    /** The shards a {@link Type#PER_SHARD} position marks finished, else empty. */
    public Set<String> finishedShards() {
        return finishedShards == null ? Set.of() : Collections.unmodifiableSet(finishedShards);
    }

    /**
     * This position with LATEST pinned to the moment {@code at}: AT_TIMESTAMP({@code at}). LATEST
     * asks for the tip of the shard whenever an iterator is taken, so a position kept as LATEST
     * would skip what was written before a restore, an iterator refresh, or a shard that is read
     * only once its parents are done. Any other position is returned as it is.
     */
    public StartingPosition pinnedAt(Instant at) {
        return type == Type.LATEST ? atTimestamp(at) : this;
    }

    /** Same as {@link #pinnedAt}. */
    public StartingPosition deferredFrom(Instant since) {
        return pinnedAt(since);
    }

    /** The fallback of a {@link Type#FROM_STORE} or {@link Type#PER_SHARD} position, else null. */
    public StartingPosition fallback() {
        return fallback;
    }

    /** Starts after the newest record at the time the shard iterator is taken. */
    public static StartingPosition latest() {
        return LATEST_POSITION;
    }

    /** Starts at the oldest record still retained in the shard. */
    public static StartingPosition trimHorizon() {
        return TRIM_HORIZON_POSITION;
    }

    /** Starts at the first record that arrived at or after {@code timestamp}. */
    public static StartingPosition atTimestamp(Instant timestamp) {
        if (timestamp == null) {
            throw new IllegalArgumentException(
                    "AT_TIMESTAMP needs a timestamp: call atTimestamp(Instant) with a non-null"
                            + " instant");
        }
        return new StartingPosition(Type.AT_TIMESTAMP, null, NO_SUB_SEQUENCE, timestamp);
    }

    /** Starts at the record with this sequence number (inclusive). */
    public static StartingPosition atSequenceNumber(String sequenceNumber) {
        return new StartingPosition(
                Type.AT_SEQUENCE_NUMBER, checkSequence(sequenceNumber), NO_SUB_SEQUENCE, null);
    }

    /** Starts after the record with this sequence number. */
    public static StartingPosition afterSequenceNumber(String sequenceNumber) {
        return afterSequenceNumber(sequenceNumber, NO_SUB_SEQUENCE);
    }

    /**
     * Starts after the user record {@code subSequenceNumber} of the aggregated record {@code
     * sequenceNumber}; with {@link #NO_SUB_SEQUENCE}, after the whole record.
     */
    public static StartingPosition afterSequenceNumber(
            String sequenceNumber, long subSequenceNumber) {
        if (subSequenceNumber < NO_SUB_SEQUENCE) {
            throw new IllegalArgumentException(
                    "sub-sequence number must be >= 0, or NO_SUB_SEQUENCE (-1), but was "
                            + subSequenceNumber);
        }
        return new StartingPosition(
                Type.AFTER_SEQUENCE_NUMBER, checkSequence(sequenceNumber), subSequenceNumber, null);
    }

    private static String checkSequence(String sequenceNumber) {
        if (sequenceNumber == null || sequenceNumber.isEmpty()) {
            throw new IllegalArgumentException("sequence number must not be null or empty");
        }
        for (int i = 0; i < sequenceNumber.length(); i++) {
            char c = sequenceNumber.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException(
                        "sequence number must be decimal digits, but was '" + sequenceNumber + "'");
            }
        }
        return sequenceNumber;
    }

    public Type type() {
        return type;
    }

    /** The sequence number, or null for LATEST, TRIM_HORIZON and AT_TIMESTAMP. */
    public String sequenceNumber() {
        return sequenceNumber;
    }

    /** The sub-sequence number, or {@link #NO_SUB_SEQUENCE}. */
    public long subSequenceNumber() {
        return subSequenceNumber;
    }

    /** The timestamp of an AT_TIMESTAMP position, else null. */
    public Instant timestamp() {
        return timestamp;
    }

    /** Whether this position resumes inside an aggregated record. */
    public boolean resumesInsideAggregate() {
        return type == Type.AFTER_SEQUENCE_NUMBER && subSequenceNumber != NO_SUB_SEQUENCE;
    }

    /**
     * Fills the iterator type and its argument into a GetShardIterator request. A position inside
     * an aggregate asks for the aggregate itself ({@code AT_SEQUENCE_NUMBER}); the caller skips the
     * user records already consumed.
     */
    public GetShardIteratorRequest.Builder applyTo(GetShardIteratorRequest.Builder request) {
        switch (type) {
            case LATEST:
                return request.shardIteratorType(ShardIteratorType.LATEST);
            case TRIM_HORIZON:
                return request.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
            case AT_TIMESTAMP:
                return request.shardIteratorType(ShardIteratorType.AT_TIMESTAMP)
                        .timestamp(timestamp);
            case AT_SEQUENCE_NUMBER:
                return request.shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER)
                        .startingSequenceNumber(sequenceNumber);
            case AFTER_SEQUENCE_NUMBER:
                return request.shardIteratorType(
                                resumesInsideAggregate()
                                        ? ShardIteratorType.AT_SEQUENCE_NUMBER
                                        : ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                        .startingSequenceNumber(sequenceNumber);
            case FROM_STORE:
            case PER_SHARD:
                throw new IllegalStateException(
                        "a " + type + " position must be resolved per shard before reading");
            default:
                throw new IllegalStateException("unknown type " + type);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof StartingPosition)) {
            return false;
        }
        StartingPosition that = (StartingPosition) o;
        return subSequenceNumber == that.subSequenceNumber
                && type == that.type
                && Objects.equals(sequenceNumber, that.sequenceNumber)
                && Objects.equals(timestamp, that.timestamp)
                && Objects.equals(fallback, that.fallback)
                && Objects.equals(shardPositions, that.shardPositions)
                && Objects.equals(finishedShards, that.finishedShards);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, sequenceNumber, subSequenceNumber, timestamp);
    }

    @Override
    public String toString() {
        switch (type) {
            case AT_TIMESTAMP:
                return "AT_TIMESTAMP(" + timestamp + ")";
            case AT_SEQUENCE_NUMBER:
                return "AT_SEQUENCE_NUMBER(" + sequenceNumber + ")";
            case AFTER_SEQUENCE_NUMBER:
                return subSequenceNumber == NO_SUB_SEQUENCE
                        ? "AFTER_SEQUENCE_NUMBER(" + sequenceNumber + ")"
                        : "AFTER_SEQUENCE_NUMBER(" + sequenceNumber + "/" + subSequenceNumber + ")";
            case FROM_STORE:
                return "FROM_STORE(else " + fallback + ")";
            case PER_SHARD:
                return "PER_SHARD("
                        + shardPositions.size()
                        + " positioned, "
                        + finishedShards.size()
                        + " finished, else "
                        + fallback
                        + ")";
            default:
                return type.name();
        }
    }
}
