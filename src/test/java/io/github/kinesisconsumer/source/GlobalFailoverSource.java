package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.source.enumerator.KinesisEnumeratorState;
import io.github.kinesisconsumer.source.split.ShardSplit;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import javax.annotation.Nullable;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link KinesisSource} whose enumerator fails the job once when {@link #TRIGGER} is set: a
 * global failover, after which Flink closes the enumerator and creates a new one from the last
 * checkpoint (a reader failure restarts only readers). {@link #ENUMERATORS} and {@link #READERS}
 * count the enumerators and readers created, so a test sees how many failovers the job went
 * through.
 */
final class GlobalFailoverSource<T>
        implements Source<T, ShardSplit, KinesisEnumeratorState>, ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;

    static final AtomicBoolean TRIGGER = new AtomicBoolean();
    static final AtomicBoolean FIRED = new AtomicBoolean();
    static final AtomicInteger ENUMERATORS = new AtomicInteger();
    static final AtomicInteger READERS = new AtomicInteger();

    private final KinesisSource<T> source;

    GlobalFailoverSource(KinesisSource<T> source) {
        this.source = source;
    }

    static void reset() {
        TRIGGER.set(false);
        FIRED.set(false);
        ENUMERATORS.set(0);
        READERS.set(0);
    }

    @Override
    public Boundedness getBoundedness() {
        return source.getBoundedness();
    }

    @Override
    public SourceReader<T, ShardSplit> createReader(SourceReaderContext context) throws Exception {
        READERS.incrementAndGet();
        return source.createReader(context);
    }

    @Override
    public SplitEnumerator<ShardSplit, KinesisEnumeratorState> createEnumerator(
            SplitEnumeratorContext<ShardSplit> context) throws Exception {
        return new Failing(source.createEnumerator(context), context);
    }

    @Override
    public SplitEnumerator<ShardSplit, KinesisEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<ShardSplit> context, KinesisEnumeratorState state)
            throws Exception {
        return new Failing(source.restoreEnumerator(context, state), context);
    }

    @Override
    public SimpleVersionedSerializer<ShardSplit> getSplitSerializer() {
        return source.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KinesisEnumeratorState> getEnumeratorCheckpointSerializer() {
        return source.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return source.getProducedType();
    }

    private static final class Failing
            implements SplitEnumerator<ShardSplit, KinesisEnumeratorState> {
        private final SplitEnumerator<ShardSplit, KinesisEnumeratorState> enumerator;
        private final SplitEnumeratorContext<ShardSplit> context;

        Failing(
                SplitEnumerator<ShardSplit, KinesisEnumeratorState> enumerator,
                SplitEnumeratorContext<ShardSplit> context) {
            this.enumerator = enumerator;
            this.context = context;
            ENUMERATORS.incrementAndGet();
        }

        @Override
        public void start() {
            enumerator.start();
            context.callAsync(
                    TRIGGER::get,
                    (fire, error) -> {
                        if (Boolean.TRUE.equals(fire) && FIRED.compareAndSet(false, true)) {
                            throw new IllegalStateException("injected global failover");
                        }
                    },
                    100,
                    100);
        }

        @Override
        public void handleSplitRequest(int subtaskId, @Nullable String hostname) {
            enumerator.handleSplitRequest(subtaskId, hostname);
        }

        @Override
        public void addSplitsBack(List<ShardSplit> splits, int subtaskId) {
            enumerator.addSplitsBack(splits, subtaskId);
        }

        @Override
        public void addReader(int subtaskId) {
            enumerator.addReader(subtaskId);
        }

        @Override
        public void handleSourceEvent(int subtaskId, SourceEvent event) {
            enumerator.handleSourceEvent(subtaskId, event);
        }

        @Override
        public KinesisEnumeratorState snapshotState(long checkpointId) throws Exception {
            return enumerator.snapshotState(checkpointId);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            enumerator.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void close() throws IOException {
            enumerator.close();
        }
    }
}
