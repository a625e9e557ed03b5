package io.github.kinesisconsumer.migration;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.TupleTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Positions from a savepoint of a job that read with the legacy {@code FlinkKinesisConsumer}
 * (flink-connector-kinesis 1.x–4.x): its union list state, one entry per shard with the stream, the
 * shard and the last emitted sequence number (and sub-sequence number inside a KPL aggregate), or
 * one of its sentinels. Read with Flink's State Processor API in a local environment.
 *
 * <p>Needs on the class path: {@code flink-state-processor-api} and the legacy connector's jar (the
 * one the old job used), whose classes the state was written with. The operator is named by the uid
 * the old job gave its source ({@code .uid(..)}), or by the operator id Flink derived when it had
 * none (32 hex digits, shown in the web UI and logs).
 *
 * <p>The state's serializer is derived from the legacy classes' type information (a POJO serializer
 * for the shard, Kryo for the sequence number, as the legacy connector builds it), so the Flink 2.x
 * build reads a savepoint the old job wrote on Flink 1.x as well.
 */
@PublicEvolving
public final class LegacySavepointPositions implements PositionSource {

    private static final Logger LOG = LoggerFactory.getLogger(LegacySavepointPositions.class);

    /** The name the legacy consumer gives its state. */
    static final String STATE_NAME = "Kinesis-Stream-Shard-State";

    private static final String MODEL = "org.apache.flink.streaming.connectors.kinesis.model.";

    private final String savepointPath;
    private final OperatorIdentifier operator;
    private final String operatorName;

    private LegacySavepointPositions(
            String savepointPath, OperatorIdentifier operator, String operatorName) {
        this.savepointPath = savepointPath;
        this.operator = operator;
        this.operatorName = operatorName;
    }

    /** The state of the source with uid {@code uid} in the savepoint at {@code savepointPath}. */
    public static LegacySavepointPositions forUid(String savepointPath, String uid) {
        requireText(savepointPath, "savepointPath");
        requireText(uid, "uid");
        return new LegacySavepointPositions(
                savepointPath, OperatorIdentifier.forUid(uid), "uid '" + uid + "'");
    }

    /** The state of the operator whose id Flink derived, {@code uidHash} (32 hex digits). */
    public static LegacySavepointPositions forUidHash(String savepointPath, String uidHash) {
        requireText(savepointPath, "savepointPath");
        requireText(uidHash, "uidHash");
        if (!uidHash.matches("[0-9a-fA-F]{32}")) {
            throw new IllegalArgumentException(
                    "an operator id is 32 hex digits, but was '" + uidHash + "'");
        }
        return new LegacySavepointPositions(
                savepointPath,
                OperatorIdentifier.forUidHash(uidHash.toLowerCase()),
                "operator id " + uidHash.toLowerCase());
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }

    @Override
    public String description() {
        return "legacy FlinkKinesisConsumer state ("
                + operatorName
                + ") in savepoint "
                + savepointPath;
    }

    @Override
    public List<PriorPosition> read() {
        checkOperatorState(loadMetadata());
        LegacyClasses legacy = LegacyClasses.load();
        List<PriorPosition> out = new ArrayList<>();
        Map<String, PriorPosition> byShard = new LinkedHashMap<>();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        try (CloseableIterator<Tuple2<Object, Object>> entries =
                SavepointReader.read(env, savepointPath)
                        .readUnionState(operator, STATE_NAME, legacy.typeInfo)
                        .executeAndCollect()) {
            while (entries.hasNext()) {
                PriorPosition p = legacy.positionOf(entries.next());
                PriorPosition seen = byShard.putIfAbsent(p.streamName() + "/" + p.shardId(), p);
                if (seen == null || !seen.equals(p)) {
                    out.add(p);
                }
            }
        } catch (IllegalArgumentException | MigrationException e) {
            throw e;
        } catch (Exception e) {
            throw new MigrationException("cannot read " + description() + ": " + e, e);
        }
        LOG.info("read {} shard position(s) from {}", out.size(), description());
        return out;
    }

    private CheckpointMetadata loadMetadata() {
        try {
            return SavepointLoader.loadSavepointMetadata(savepointPath);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    savepointPath
                            + " is not a readable savepoint ("
                            + e.getMessage()
                            + "): give the directory `flink stop` or `flink savepoint` printed,"
                            + " the one holding _metadata",
                    e);
        }
    }

    private void checkOperatorState(CheckpointMetadata metadata) {
        OperatorID wanted = operator.getOperatorId();
        Set<String> present = new TreeSet<>();
        for (OperatorState state : metadata.getOperatorStates()) {
            if (!state.getOperatorID().equals(wanted)) {
                if (state.getStateSize() > 0 || state.getCoordinatorState() != null) {
                    present.add(state.getOperatorID().toHexString());
                }
                continue;
            }
            Set<String> names = new TreeSet<>();
            for (OperatorSubtaskState subtask : state.getStates()) {
                for (OperatorStateHandle handle : subtask.getManagedOperatorState()) {
                    names.addAll(handle.getStateNameToPartitionOffsets().keySet());
                }
            }
            if (!names.contains(STATE_NAME)) {
                throw new IllegalArgumentException(
                        "the operator with "
                                + operatorName
                                + " in savepoint "
                                + savepointPath
                                + " holds no FlinkKinesisConsumer state ("
                                + (names.isEmpty() ? "no operator state" : "its state: " + names)
                                + "): is this a savepoint of the job that read with"
                                + " FlinkKinesisConsumer, and the uid the one set on its source?");
            }
            return;
        }
        throw new IllegalArgumentException(
                "savepoint "
                        + savepointPath
                        + " has no operator with "
                        + operatorName
                        + " (operator id "
                        + wanted.toHexString()
                        + "); operators with state: "
                        + present
                        + ". Give the uid the old job set on its FlinkKinesisConsumer with"
                        + " .uid(..), or the operator id Flink derived (--uid-hash)");
    }

    /** The legacy connector's classes, loaded by name: this library does not depend on it. */
    private static final class LegacyClasses {
        final TypeInformation<Tuple2<Object, Object>> typeInfo;
        final Map<Object, PriorPosition.Kind> sentinels = new LinkedHashMap<>();

        @SuppressWarnings("unchecked")
        private LegacyClasses(ClassLoader loader) throws ReflectiveOperationException {
            Class<?> metadata = Class.forName(MODEL + "StreamShardMetadata", true, loader);
            Class<?> sequence = Class.forName(MODEL + "SequenceNumber", true, loader);
            typeInfo =
                    (TypeInformation<Tuple2<Object, Object>>)
                            (TypeInformation<?>)
                                    new TupleTypeInfo<>(
                                            TypeInformation.of(metadata),
                                            TypeInformation.of(sequence));
            Class<?> sentinel = Class.forName(MODEL + "SentinelSequenceNumber", true, loader);
            for (Object constant : sentinel.getEnumConstants()) {
                Object value = sentinel.getMethod("get").invoke(constant);
                String name = ((Enum<?>) constant).name();
                sentinels.put(value, kindOf(name));
            }
        }

        static LegacyClasses load() {
            try {
                return new LegacyClasses(LegacySavepointPositions.class.getClassLoader());
            } catch (ClassNotFoundException | NoClassDefFoundError e) {
                throw new MigrationException(
                        "reading a FlinkKinesisConsumer savepoint needs the legacy connector's"
                                + " classes: put the flink-connector-kinesis jar the old job used"
                                + " (e.g. flink-connector-kinesis-4.3.0-1.19.jar) on the class path"
                                + " (scripts/migrate-positions.sh: MIGRATE_EXTRA_CLASSPATH); missing: "
                                + e.getMessage(),
                        e);
            } catch (ReflectiveOperationException e) {
                throw new MigrationException(
                        "the legacy connector on the class path is not one this library can read: "
                                + e,
                        e);
            }
        }

        private static PriorPosition.Kind kindOf(String sentinel) {
            switch (sentinel) {
                case "SENTINEL_SHARD_ENDING_SEQUENCE_NUM":
                    return PriorPosition.Kind.SHARD_END;
                case "SENTINEL_EARLIEST_SEQUENCE_NUM":
                    return PriorPosition.Kind.TRIM_HORIZON;
                case "SENTINEL_LATEST_SEQUENCE_NUM":
                    return PriorPosition.Kind.LATEST;
                case "SENTINEL_AT_TIMESTAMP_SEQUENCE_NUM":
                    return PriorPosition.Kind.AT_TIMESTAMP;
                default:
                    throw new MigrationException(
                            "unknown sentinel " + sentinel + " in the legacy connector");
            }
        }

        PriorPosition positionOf(Tuple2<Object, Object> entry) throws ReflectiveOperationException {
            Object meta = entry.f0;
            Object seq = entry.f1;
            String stream = (String) meta.getClass().getMethod("getStreamName").invoke(meta);
            String shard = (String) meta.getClass().getMethod("getShardId").invoke(meta);
            PriorPosition.Kind sentinel = sentinels.get(seq);
            if (sentinel != null) {
                return PriorPosition.sentinel(stream, shard, sentinel);
            }
            String number = (String) seq.getClass().getMethod("getSequenceNumber").invoke(seq);
            long sub = (Long) seq.getClass().getMethod("getSubSequenceNumber").invoke(seq);
            return PriorPosition.after(stream, shard, number, sub < 0 ? -1 : sub);
        }
    }
}
