package io.github.kinesisconsumer.store.memory;

import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreConformanceTest;

import java.net.InetSocketAddress;

class InMemoryCheckpointStoreTest extends CheckpointStoreConformanceTest {

    private final InMemoryCheckpointStore shared = new InMemoryCheckpointStore();

    @Override
    protected CheckpointStore createStore() {
        return new NonClosing(shared);
    }

    @Override
    protected CheckpointStore createStoreAt(String host, int port) {
        return null;
    }

    @Override
    protected InetSocketAddress serverAddress() {
        return null;
    }

    /** Every "connection" sees the same memory, as every client of a server sees its data. */
    private static final class NonClosing implements CheckpointStore {
        private final CheckpointStore delegate;

        NonClosing(CheckpointStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public java.util.Optional<io.github.kinesisconsumer.store.Checkpoint> get(
                io.github.kinesisconsumer.store.CheckpointKey key) {
            return delegate.get(key);
        }

        @Override
        public java.util.Map<String, io.github.kinesisconsumer.store.Checkpoint> getAll(
                String appName, String streamName) {
            return delegate.getAll(appName, streamName);
        }

        @Override
        public void putAll(
                String appName,
                String streamName,
                java.util.Map<String, io.github.kinesisconsumer.store.Checkpoint> checkpoints) {
            delegate.putAll(appName, streamName, checkpoints);
        }

        @Override
        public void delete(io.github.kinesisconsumer.store.CheckpointKey key) {
            delegate.delete(key);
        }

        @Override
        public void close() {}
    }
}
