package io.github.kinesisconsumer.kinesis.read;

import io.github.kinesisconsumer.kinesis.StartingPosition;

import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** A {@link StartingPosition} as SubscribeToShard takes it; resolved positions only. */
final class SubscribePosition {

    private SubscribePosition() {}

    static software.amazon.awssdk.services.kinesis.model.StartingPosition of(
            StartingPosition position) {
        software.amazon.awssdk.services.kinesis.model.StartingPosition.Builder b =
                software.amazon.awssdk.services.kinesis.model.StartingPosition.builder();
        switch (position.type()) {
            case LATEST:
                return b.type(ShardIteratorType.LATEST).build();
            case TRIM_HORIZON:
                return b.type(ShardIteratorType.TRIM_HORIZON).build();
            case AT_TIMESTAMP:
                return b.type(ShardIteratorType.AT_TIMESTAMP)
                        .timestamp(position.timestamp())
                        .build();
            case AT_SEQUENCE_NUMBER:
                return b.type(ShardIteratorType.AT_SEQUENCE_NUMBER)
                        .sequenceNumber(position.sequenceNumber())
                        .build();
            case AFTER_SEQUENCE_NUMBER:
                return b.type(
                                position.resumesInsideAggregate()
                                        ? ShardIteratorType.AT_SEQUENCE_NUMBER
                                        : ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                        .sequenceNumber(position.sequenceNumber())
                        .build();
            default:
                throw new IllegalStateException(
                        "a " + position.type() + " position must be resolved before reading");
        }
    }
}
