package io.github.kinesisconsumer.migration;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.StreamRef;
import io.github.kinesisconsumer.kinesis.discovery.ShardLineage;
import io.github.kinesisconsumer.kinesis.discovery.ShardLister;
import io.github.kinesisconsumer.migration.ShardMove.Action;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointKey;
import io.github.kinesisconsumer.store.CheckpointStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where each shard of a stream starts so that reading continues exactly where an earlier consumer
 * stopped: the positions a {@link PositionSource} read, checked against the stream's shards.
 *
 * <p>A shard resumes just after the earlier consumer's last processed record; a shard it read to
 * the end is not read again, and its children start at their oldest record, as do shards it had not
 * begun whose lineage it had read. Shards of which nothing was processed start at the fallback
 * position. Apply the plan with {@link #startingPosition} (a Flink job, no store in between) or
 * {@link #writeTo} (a checkpoint store, then {@code StartingPosition.fromStore(..)}).
 *
 * <p>Positions that cannot belong to the stream are refused with an error naming the shard: a shard
 * the stream never had, a sequence number outside the shard's range, a shard marked read to its end
 * that is still open.
 */
@PublicEvolving
public final class MigrationPlan {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationPlan.class);

    /** The sequence number stored for a finished shard that is gone past retention. */
    static final String GONE_SHARD_SEQUENCE = "0";

    private final String description;
    private final String streamName;
    private final Map<String, ShardMove> moves;
    private final ShardLineage lineage;

    private MigrationPlan(
            String description,
            String streamName,
            Map<String, ShardMove> moves,
            ShardLineage lineage) {
        this.description = description;
        this.streamName = streamName;
        this.moves = moves;
        this.lineage = lineage;
    }

    /** Reads {@code source} and checks it against the shards Kinesis lists for the stream. */
    public static MigrationPlan forStream(
            PositionSource source, String streamName, ClientSettings settings) {
        try (KinesisAsyncClient client = settings.createAsyncClient()) {
            List<ShardInfo> shards =
                    new ShardLister(client, StreamRef.ofName(streamName), settings.describe())
                            .listAll();
            return of(source, streamName, shards);
        }
    }

    /** Reads {@code source} and checks it against {@code shards}, the stream's listing. */
    public static MigrationPlan of(
            PositionSource source, String streamName, List<ShardInfo> shards) {
        if (streamName == null || streamName.isEmpty()) {
            throw new IllegalArgumentException("streamName must not be empty");
        }
        List<PriorPosition> all = source.read();
        String description = source.description();
        Map<String, PriorPosition> prior = ofStream(all, streamName, description);
        ShardLineage lineage = ShardLineage.of(shards);
        Set<String> knownIds = knownShardIds(lineage);
        Map<String, ShardMove> moves = new LinkedHashMap<>();
        for (PriorPosition p : prior.values()) {
            moves.put(p.shardId(), moveOf(p, lineage, knownIds, description));
        }
        for (ShardInfo shard : shards) {
            if (!moves.containsKey(shard.shardId())) {
                moves.put(shard.shardId(), unrecorded(shard.shardId(), lineage, moves));
            }
        }
        LOG.info(
                "migration plan for stream '{}' from {}: {} shard(s), {} position(s) read",
                streamName,
                description,
                moves.size(),
                prior.size());
        return new MigrationPlan(
                description, streamName, Collections.unmodifiableMap(moves), lineage);
    }

    private static Map<String, PriorPosition> ofStream(
            List<PriorPosition> all, String streamName, String description) {
        Map<String, PriorPosition> out = new LinkedHashMap<>();
        Set<String> otherStreams = new TreeSet<>();
        for (PriorPosition p : all) {
            if (!p.streamName().equals(streamName)) {
                otherStreams.add(p.streamName());
                continue;
            }
            PriorPosition before = out.put(p.shardId(), p);
            if (before != null) {
                throw new IllegalArgumentException(
                        description
                                + " holds two positions for shard "
                                + p.shardId()
                                + " of stream '"
                                + streamName
                                + "' ("
                                + before
                                + " and "
                                + p
                                + "); it is not the state of one consumer");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(
                    description
                            + " holds no positions of stream '"
                            + streamName
                            + "'"
                            + (otherStreams.isEmpty()
                                    ? " (it holds none at all)"
                                    : "; it holds positions of " + otherStreams)
                            + ": name the stream the earlier consumer read, or the state of the"
                            + " consumer that read this one");
        }
        return out;
    }

    private static ShardMove moveOf(
            PriorPosition p, ShardLineage lineage, Set<String> knownIds, String description) {
        String id = p.shardId();
        ShardInfo shard = lineage.get(id);
        if (!knownIds.contains(id)) {
            throw new IllegalArgumentException(
                    description
                            + " has a position for "
                            + id
                            + ", which stream '"
                            + p.streamName()
                            + "' does not have (nor do its shards name it as a parent): the"
                            + " positions belong to another stream, or to an earlier stream of the"
                            + " same name");
        }
        switch (p.kind()) {
            case AFTER_SEQUENCE:
                if (shard != null) {
                    checkInRange(p, shard, description);
                }
                return new ShardMove(
                        id,
                        p,
                        Action.RESUME_AFTER,
                        Checkpoint.at(p.sequenceNumber(), p.subSequenceNumber()),
                        shard == null
                                ? "gone past retention; its children start at the oldest record"
                                : "resumes after the last processed record");
            case SHARD_END:
                if (shard == null) {
                    return new ShardMove(
                            id,
                            p,
                            Action.FINISHED,
                            Checkpoint.of(
                                    GONE_SHARD_SEQUENCE, StartingPosition.NO_SUB_SEQUENCE, true),
                            "read to its end, now gone past retention");
                }
                if (!shard.isClosed()) {
                    throw new IllegalArgumentException(
                            description
                                    + " says "
                                    + id
                                    + " was read to its end, but it is open in stream '"
                                    + p.streamName()
                                    + "': the positions belong to another stream");
                }
                return new ShardMove(
                        id,
                        p,
                        Action.FINISHED,
                        Checkpoint.of(
                                shard.endingSequenceNumber(),
                                StartingPosition.NO_SUB_SEQUENCE,
                                true),
                        "read to its end");
            case TRIM_HORIZON:
                return new ShardMove(
                        id, p, Action.TRIM_HORIZON, null, "nothing processed; from the oldest");
            default:
                return new ShardMove(
                        id,
                        p,
                        Action.FALLBACK,
                        null,
                        "nothing processed; the earlier consumer would start at " + p.kind());
        }
    }

    /**
     * The listed shards and the parents they name. A shard gone past retention is known only as the
     * parent of a listed one; nothing names its own parents.
     */
    private static Set<String> knownShardIds(ShardLineage lineage) {
        Set<String> ids = new HashSet<>();
        for (ShardInfo s : lineage.shards()) {
            ids.add(s.shardId());
            ids.addAll(lineage.parentsOf(s.shardId()));
        }
        return ids;
    }

    /**
     * A position before the shard's first sequence number cannot be of this shard. The ending
     * sequence number is no bound: emulators report a placeholder for closed shards.
     */
    private static void checkInRange(PriorPosition p, ShardInfo shard, String description) {
        String first = shard.startingSequenceNumber();
        if (first != null
                && new BigInteger(p.sequenceNumber()).compareTo(new BigInteger(first)) < 0) {
            throw new IllegalArgumentException(
                    description
                            + " has sequence number "
                            + p.sequenceNumber()
                            + " for "
                            + shard.shardId()
                            + ", before the shard's first sequence number "
                            + first
                            + " in stream '"
                            + p.streamName()
                            + "': the positions belong to another stream, or to an earlier stream"
                            + " of the same name");
        }
    }

    private static ShardMove unrecorded(
            String id, ShardLineage lineage, Map<String, ShardMove> moves) {
        for (String ancestor : lineage.ancestorsOf(id)) {
            ShardMove m = moves.get(ancestor);
            if (m != null && m.action() != Action.FALLBACK) {
                return new ShardMove(
                        id,
                        null,
                        Action.TRIM_HORIZON,
                        null,
                        "not in the earlier state; its ancestor " + ancestor + " is");
            }
        }
        return new ShardMove(id, null, Action.FALLBACK, null, "not in the earlier state");
    }

    /** The source the positions came from. */
    public String description() {
        return description;
    }

    public String streamName() {
        return streamName;
    }

    /** One move per shard: every shard the stream lists and every shard the source named. */
    public List<ShardMove> moves() {
        return new ArrayList<>(moves.values());
    }

    /** The move of one shard, or null. */
    public ShardMove move(String shardId) {
        return moves.get(shardId);
    }

    /**
     * A starting position for a Flink job (or anything that takes a {@link StartingPosition}) that
     * applies the plan directly; shards with nothing processed start at {@code fallback}.
     */
    public StartingPosition startingPosition(StartingPosition fallback) {
        Map<String, StartingPosition> positions = new HashMap<>();
        Set<String> finished = new HashSet<>();
        for (ShardMove m : moves.values()) {
            switch (m.action()) {
                case RESUME_AFTER:
                    positions.put(m.shardId(), m.checkpoint().resumePosition());
                    break;
                case FINISHED:
                    finished.add(m.shardId());
                    break;
                case TRIM_HORIZON:
                    positions.put(m.shardId(), StartingPosition.trimHorizon());
                    break;
                default:
                    break;
            }
        }
        return StartingPosition.perShard(positions, finished, fallback);
    }

    /**
     * Whether a store alone cannot say where some shard starts: a shard to read from its oldest
     * record with no stored checkpoint in its lineage. Start from the store with {@code
     * fromStore(trimHorizon())} then, or apply the plan with {@link #startingPosition}.
     */
    public boolean needsTrimHorizonFallback() {
        for (ShardMove m : moves.values()) {
            if (m.action() == Action.TRIM_HORIZON && !hasCheckpointedAncestor(m.shardId())) {
                return true;
            }
        }
        return false;
    }

    private boolean hasCheckpointedAncestor(String shardId) {
        for (String ancestor : lineage.ancestorsOf(shardId)) {
            ShardMove m = moves.get(ancestor);
            if (m != null && m.checkpoint() != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes the plan's checkpoints into {@code store} under {@code appName}. When a stored
     * checkpoint is already past the plan's, nothing is written and {@link MigrationException}
     * names the shards, unless {@code allowBackward} is set: then those are replaced. A shard the
     * plan says was read to its end is never behind a stored position: an unfinished one is marked
     * finished where it stands. Returns the checkpoints the store held before, by shard id.
     */
    public Map<String, Checkpoint> writeTo(
            CheckpointStore store, String appName, boolean allowBackward) {
        Map<String, Checkpoint> before = store.getAll(appName, streamName);
        Map<String, Checkpoint> forward = new LinkedHashMap<>();
        Map<String, Checkpoint> backward = new LinkedHashMap<>();
        for (ShardMove m : moves.values()) {
            Checkpoint target = m.checkpoint();
            if (target == null) {
                continue;
            }
            Checkpoint current = before.get(m.shardId());
            if (current == null || target.isAfter(current)) {
                forward.put(m.shardId(), target);
            } else if (target.isFinished()) {
                // read to its end: never behind a stored position, whatever sequence number
                // stands for the end (a shard gone past retention has none; emulators report
                // odd ones); marked at the stored one, so that the store takes it as a step on
                if (!current.isFinished()) {
                    forward.put(m.shardId(), current.asFinished());
                }
            } else if (!target.equals(current)) {
                backward.put(m.shardId(), target);
            }
        }
        if (!backward.isEmpty() && !allowBackward) {
            StringBuilder which = new StringBuilder();
            backward.forEach(
                    (id, cp) ->
                            which.append(id)
                                    .append(" (stored ")
                                    .append(before.get(id))
                                    .append(", earlier consumer ")
                                    .append(cp)
                                    .append(") "));
            throw new MigrationException(
                    "the store already holds checkpoints of app '"
                            + appName
                            + "' for stream '"
                            + streamName
                            + "' past the earlier consumer's: "
                            + which.toString().trim()
                            + "; nothing was written. Moving them back re-reads records: allow"
                            + " it explicitly if that is meant");
        }
        for (String id : backward.keySet()) {
            store.delete(new CheckpointKey(appName, streamName, id));
        }
        Map<String, Checkpoint> all = new LinkedHashMap<>(forward);
        all.putAll(backward);
        if (!all.isEmpty()) {
            store.putAll(appName, streamName, all);
            store.flush();
        }
        LOG.info(
                "wrote {} checkpoint(s) of app '{}' for stream '{}' ({} moved back)",
                all.size(),
                appName,
                streamName,
                backward.size());
        return before;
    }

    /** The plan as a table, one line per shard. */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-24s %-14s %-44s %s%n", "shard", "action", "checkpoint", "why"));
        for (ShardMove m : moves.values()) {
            out.append(
                    String.format(
                            "%-24s %-14s %-44s %s%n",
                            m.shardId(),
                            m.action(),
                            m.checkpoint() == null ? "-" : m.checkpoint().toString(),
                            m.reason()));
        }
        return out.toString();
    }
}
