package io.github.kinesisconsumer.source.split;

import io.github.kinesisconsumer.annotation.Internal;
import io.github.kinesisconsumer.kinesis.StartingPosition;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Versioned serializer of {@link ShardSplit}. Version 1 layout: shard id, position (type ordinal,
 * sequence number or empty, sub-sequence, timestamp millis), parent ids, stop time, finished.
 * Version 2 appends the two store hints, each as a flag and, when set, the sequence number.
 */
@Internal
public final class ShardSplitSerializer implements SimpleVersionedSerializer<ShardSplit> {

    public static final int VERSION = 2;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(ShardSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(96);
        write(split, out);
        return out.getCopyOfBuffer();
    }

    @Override
    public ShardSplit deserialize(int version, byte[] bytes) throws IOException {
        if (version != 1 && version != 2) {
            throw new IOException(
                    "unknown ShardSplit serializer version " + version + "; this build reads 1-2");
        }
        return read(new DataInputDeserializer(bytes), version);
    }

    /** Writes a split in the current version's layout (also used inside enumerator state). */
    public static void write(ShardSplit split, DataOutputView out) throws IOException {
        out.writeUTF(split.shardId());
        writePosition(split.startingPosition(), out);
        out.writeInt(split.parentShardIds().size());
        for (String parent : split.parentShardIds()) {
            out.writeUTF(parent);
        }
        out.writeLong(split.stopAtArrivalMillis());
        out.writeBoolean(split.isFinished());
        writeNullable(split.wholeRecordSequence(), out);
        writeNullable(split.emptyShardSequence(), out);
    }

    /** Reads a split written by {@link #write} of the given version. */
    public static ShardSplit read(DataInputView in, int version) throws IOException {
        String shardId = in.readUTF();
        StartingPosition position = readPosition(in);
        int parents = in.readInt();
        List<String> parentIds = new ArrayList<>(parents);
        for (int i = 0; i < parents; i++) {
            parentIds.add(in.readUTF());
        }
        long stopAt = in.readLong();
        boolean finished = in.readBoolean();
        String wholeRecord = version >= 2 ? readNullable(in) : null;
        String emptyShard = version >= 2 ? readNullable(in) : null;
        return new ShardSplit(
                shardId, position, parentIds, stopAt, finished, wholeRecord, emptyShard);
    }

    /** Writes a string that may be null (also used inside enumerator state). */
    public static void writeNullable(String value, DataOutputView out) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    /** Reads a string written by {@link #writeNullable}. */
    public static String readNullable(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    static void writePosition(StartingPosition position, DataOutputView out) throws IOException {
        out.writeByte(position.type().ordinal());
        out.writeUTF(position.sequenceNumber() == null ? "" : position.sequenceNumber());
        out.writeLong(position.subSequenceNumber());
        out.writeLong(position.timestamp() == null ? 0L : position.timestamp().toEpochMilli());
    }

    static StartingPosition readPosition(DataInputView in) throws IOException {
        int type = in.readByte();
        String sequence = in.readUTF();
        long subSequence = in.readLong();
        long timestamp = in.readLong();
        switch (type) {
            case 0:
                return StartingPosition.latest();
            case 1:
                return StartingPosition.trimHorizon();
            case 2:
                return StartingPosition.atTimestamp(Instant.ofEpochMilli(timestamp));
            case 3:
                return StartingPosition.atSequenceNumber(sequence);
            case 4:
                return StartingPosition.afterSequenceNumber(sequence, subSequence);
            default:
                throw new IOException("unknown starting position type " + type);
        }
    }
}
