package io.github.kinesisconsumer.source.enumerator;

import io.github.kinesisconsumer.annotation.Internal;
import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.source.split.ShardSplit;
import io.github.kinesisconsumer.source.split.ShardSplitSerializer;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Versioned serializer of {@link KinesisEnumeratorState}. */
@Internal
public final class KinesisEnumeratorStateSerializer
        implements SimpleVersionedSerializer<KinesisEnumeratorState> {

    public static final int VERSION = 2;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(KinesisEnumeratorState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        out.writeInt(state.knownShards().size());
        for (ShardInfo shard : state.knownShards()) {
            out.writeUTF(shard.shardId());
            ShardSplitSerializer.writeNullable(shard.parentShardId(), out);
            ShardSplitSerializer.writeNullable(shard.adjacentParentShardId(), out);
            ShardSplitSerializer.writeNullable(shard.startingSequenceNumber(), out);
            ShardSplitSerializer.writeNullable(shard.endingSequenceNumber(), out);
        }
        writeIds(state.assignedShards(), out);
        writeIds(state.finishedShards(), out);
        out.writeInt(state.unassignedSplits().size());
        for (ShardSplit split : state.unassignedSplits()) {
            ShardSplitSerializer.write(split, out);
        }
        out.writeBoolean(state.initialDiscoveryDone());
        out.writeLong(state.stopAtArrivalMillis());
        return out.getCopyOfBuffer();
    }

    @Override
    public KinesisEnumeratorState deserialize(int version, byte[] bytes) throws IOException {
        if (version != 1 && version != 2) {
            throw new IOException(
                    "unknown enumerator state version " + version + "; this build reads 1-2");
        }
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        int known = in.readInt();
        List<ShardInfo> shards = new ArrayList<>(known);
        for (int i = 0; i < known; i++) {
            shards.add(
                    new ShardInfo(
                            in.readUTF(),
                            ShardSplitSerializer.readNullable(in),
                            ShardSplitSerializer.readNullable(in),
                            ShardSplitSerializer.readNullable(in),
                            ShardSplitSerializer.readNullable(in)));
        }
        Set<String> assigned = readIds(in);
        Set<String> finished = readIds(in);
        int unassigned = in.readInt();
        List<ShardSplit> splits = new ArrayList<>(unassigned);
        for (int i = 0; i < unassigned; i++) {
            splits.add(ShardSplitSerializer.read(in, version));
        }
        boolean initialDone = in.readBoolean();
        long stopAt = in.readLong();
        return new KinesisEnumeratorState(shards, assigned, finished, splits, initialDone, stopAt);
    }

    private static void writeIds(Set<String> ids, DataOutputView out) throws IOException {
        out.writeInt(ids.size());
        for (String id : ids) {
            out.writeUTF(id);
        }
    }

    private static Set<String> readIds(DataInputView in) throws IOException {
        int n = in.readInt();
        Set<String> ids = new LinkedHashSet<>(n * 2);
        for (int i = 0; i < n; i++) {
            ids.add(in.readUTF());
        }
        return ids;
    }
}
