package io.github.kinesisconsumer.store.jdbc;

import io.github.kinesisconsumer.annotation.PublicEvolving;

/**
 * Checkpoints in a PostgreSQL table, shared with harlow/kinesis-consumer's Postgres checkpoint:
 *
 * <pre>{@code
 * CREATE TABLE kinesis_checkpoints (
 *     namespace text NOT NULL,            -- <appName>-<streamName>
 *     shard_id text NOT NULL,
 *     sequence_number numeric NOT NULL,
 *     sub_sequence_number bigint NULL,    -- optional, added by this library
 *     finished boolean NULL,              -- optional, added by this library
 *     exact_sequence_number numeric NULL, -- optional, added by this library
 *     PRIMARY KEY (namespace, shard_id));
 * }</pre>
 *
 * <pre>{@code
 * CheckpointStore store = PostgresCheckpointStore.builder()
 *         .jdbcUrl("jdbc:postgresql://db:5432/app").user("kinesis").password(secret)
 *         .tableName("kinesis_checkpoints")
 *         .createTable(true)
 *         .build();
 * }</pre>
 *
 * <p>Needs the {@code org.postgresql:postgresql} driver on the class path.
 */
@PublicEvolving
public final class PostgresCheckpointStore extends JdbcCheckpointStore {

    private PostgresCheckpointStore(Builder builder) {
        super(PostgresDialect.INSTANCE, builder);
    }

    /** A builder; give it a {@code DataSource} or a JDBC URL. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link PostgresCheckpointStore}. */
    public static final class Builder
            extends JdbcCheckpointStoreBuilder<Builder, PostgresCheckpointStore> {

        private Builder() {}

        @Override
        SqlDialect dialect() {
            return PostgresDialect.INSTANCE;
        }

        @Override
        public PostgresCheckpointStore build() {
            return new PostgresCheckpointStore(this);
        }
    }
}
