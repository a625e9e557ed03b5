package io.github.kinesisconsumer.store.jdbc;

import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreConformanceTest;

import org.junit.jupiter.api.BeforeAll;

import java.net.InetSocketAddress;

class PostgresCheckpointStoreTest extends CheckpointStoreConformanceTest {

    private static final TestDatabase DB = TestDatabase.postgres();
    private static final String TABLE = "kc_conformance_postgres";

    @BeforeAll
    static void freshTable() throws Exception {
        DB.execute("DROP TABLE IF EXISTS " + TABLE);
    }

    @Override
    protected CheckpointStore createStore() {
        return DB.configure(PostgresCheckpointStore.builder())
                .tableName(TABLE)
                .createTable(true)
                .build();
    }

    @Override
    protected CheckpointStore createStoreAt(String host, int port) {
        return DB.configure(PostgresCheckpointStore.builder(), DB.urlAt(host, port))
                .tableName(TABLE)
                .createTable(true)
                .build();
    }

    @Override
    protected InetSocketAddress serverAddress() {
        return DB.address();
    }
}
