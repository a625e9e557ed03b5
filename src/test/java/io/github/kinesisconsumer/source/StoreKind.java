package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.store.CheckpointStoreFactory;

/** The checkpoint store backends the Flink mirroring tests run against. */
enum StoreKind {
    MEMORY;

    CheckpointStoreFactory factory() {
        switch (this) {
            case MEMORY:
                return SharedMemoryStore::new;
            default:
                throw new IllegalStateException(name());
        }
    }
}
