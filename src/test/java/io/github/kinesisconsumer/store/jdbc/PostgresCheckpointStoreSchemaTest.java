package io.github.kinesisconsumer.store.jdbc;

class PostgresCheckpointStoreSchemaTest extends JdbcCheckpointStoreSchemaTest {

    private static final TestDatabase DB = TestDatabase.postgres();

    @Override
    TestDatabase db() {
        return DB;
    }

    @Override
    JdbcCheckpointStoreBuilder<?, ?> newBuilder() {
        return DB.configure(PostgresCheckpointStore.builder());
    }

    @Override
    JdbcCheckpointStoreBuilder<?, ?> bareBuilder() {
        return PostgresCheckpointStore.builder();
    }

    @Override
    String goSchema(String table) {
        return "CREATE TABLE "
                + table
                + " (namespace text NOT NULL, shard_id text NOT NULL,"
                + " sequence_number numeric NOT NULL, PRIMARY KEY (namespace, shard_id))";
    }

    /** lib/pq's {@code $1, $2, $3, $3} as JDBC placeholders. */
    @Override
    String goWrite(String table) {
        return "INSERT INTO "
                + table
                + " (namespace, shard_id, sequence_number) VALUES(?, ?, ?)"
                + " ON CONFLICT (namespace, shard_id) DO UPDATE SET sequence_number= ?;";
    }

    @Override
    boolean goWriteReplacesTheRow() {
        return false;
    }
}
