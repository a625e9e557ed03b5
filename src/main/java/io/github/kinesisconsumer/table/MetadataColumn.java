package io.github.kinesisconsumer.table;

import io.github.kinesisconsumer.kinesis.KinesisRecord;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.DataType;

import java.util.Arrays;
import java.util.Optional;

/** The readable metadata columns of a Kinesis record. */
enum MetadataColumn {
    SHARD_ID("shard_id", DataTypes.STRING().notNull()) {
        @Override
        Object read(KinesisRecord record) {
            return StringData.fromString(record.shardId());
        }
    },
    SEQUENCE_NUMBER("sequence_number", DataTypes.STRING().notNull()) {
        @Override
        Object read(KinesisRecord record) {
            return StringData.fromString(record.sequenceNumber());
        }
    },
    PARTITION_KEY("partition_key", DataTypes.STRING().notNull()) {
        @Override
        Object read(KinesisRecord record) {
            return StringData.fromString(record.partitionKey());
        }
    },
    ARRIVAL_TIME("arrival_time", DataTypes.TIMESTAMP_LTZ(3).notNull()) {
        @Override
        Object read(KinesisRecord record) {
            return TimestampData.fromEpochMillis(record.approximateArrivalMillis());
        }
    };

    private final String key;
    private final DataType dataType;

    MetadataColumn(String key, DataType dataType) {
        this.key = key;
        this.dataType = dataType;
    }

    /** The key used in {@code METADATA FROM '<key>'} (or the column name). */
    public String key() {
        return key;
    }

    public DataType dataType() {
        return dataType;
    }

    /** The value in Flink's internal data structures. */
    abstract Object read(KinesisRecord record);

    static Optional<MetadataColumn> ofKey(String key) {
        return Arrays.stream(values()).filter(m -> m.key.equals(key)).findFirst();
    }
}
