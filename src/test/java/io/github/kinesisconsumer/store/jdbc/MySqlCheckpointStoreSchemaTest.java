package io.github.kinesisconsumer.store.jdbc;

class MySqlCheckpointStoreSchemaTest extends JdbcCheckpointStoreSchemaTest {

    private static final TestDatabase DB = TestDatabase.mysql();

    @Override
    TestDatabase db() {
        return DB;
    }

    @Override
    JdbcCheckpointStoreBuilder<?, ?> newBuilder() {
        return DB.configure(MySqlCheckpointStore.builder());
    }

    @Override
    JdbcCheckpointStoreBuilder<?, ?> bareBuilder() {
        return MySqlCheckpointStore.builder();
    }

    @Override
    String goSchema(String table) {
        return "CREATE TABLE "
                + table
                + " (namespace varchar(255) NOT NULL, shard_id varchar(255) NOT NULL,"
                + " sequence_number numeric(65,0) NOT NULL, PRIMARY KEY (namespace, shard_id))";
    }

    @Override
    String goWrite(String table) {
        return "REPLACE INTO " + table + " (namespace, shard_id, sequence_number) VALUES (?, ?, ?)";
    }

    @Override
    boolean goWriteReplacesTheRow() {
        return true;
    }
}
