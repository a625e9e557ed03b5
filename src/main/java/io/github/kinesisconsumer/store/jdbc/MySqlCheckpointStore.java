package io.github.kinesisconsumer.store.jdbc;

import io.github.kinesisconsumer.annotation.PublicEvolving;

/**
 * Checkpoints in a MySQL or MariaDB table, shared with harlow/kinesis-consumer's MySQL checkpoint:
 *
 * <pre>{@code
 * CREATE TABLE kinesis_checkpoints (
 *     namespace varchar(255) NOT NULL,    -- <appName>-<streamName>
 *     shard_id varchar(255) NOT NULL,
 *     sequence_number numeric(65,0) NOT NULL,
 *     sub_sequence_number bigint NULL,    -- optional, added by this library
 *     finished boolean NULL,              -- optional, added by this library
 *     exact_sequence_number numeric(65,0) NULL, -- optional, added by this library
 *     PRIMARY KEY (namespace, shard_id)
 * ) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
 * }</pre>
 *
 * <p>{@code createTable(true)} creates the table with a binary utf8mb4 collation, so shard ids that
 * differ only in case or in characters outside the Basic Multilingual Plane stay distinct. Needs
 * the {@code com.mysql:mysql-connector-j} driver on the class path.
 */
@PublicEvolving
public final class MySqlCheckpointStore extends JdbcCheckpointStore {

    private MySqlCheckpointStore(Builder builder) {
        super(MySqlDialect.INSTANCE, builder);
    }

    /** A builder; give it a {@code DataSource} or a JDBC URL. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link MySqlCheckpointStore}. */
    public static final class Builder
            extends JdbcCheckpointStoreBuilder<Builder, MySqlCheckpointStore> {

        private Builder() {}

        @Override
        SqlDialect dialect() {
            return MySqlDialect.INSTANCE;
        }

        @Override
        public MySqlCheckpointStore build() {
            return new MySqlCheckpointStore(this);
        }
    }
}
