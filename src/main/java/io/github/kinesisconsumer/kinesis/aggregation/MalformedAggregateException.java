package io.github.kinesisconsumer.kinesis.aggregation;

/** Thrown inside this package when the protobuf part of an aggregate cannot be decoded. */
final class MalformedAggregateException extends Exception {

    private static final long serialVersionUID = 1L;

    MalformedAggregateException(String message) {
        super(message, null, false, false);
    }
}
