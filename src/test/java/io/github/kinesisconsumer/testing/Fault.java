package io.github.kinesisconsumer.testing;

/**
 * What a {@link FaultProxy} does to a call a {@link FaultRule} hits: answer with a Kinesis error in
 * the shape real Kinesis sends (JSON 1.1, {@code __type} and {@code message}), close the connection
 * without an answer, delay the call, or hold it while the proxy is dark.
 */
public enum Fault {
    /** HTTP 400 ProvisionedThroughputExceededException, as for a shard over its read budget. */
    THROTTLE(400, "ProvisionedThroughputExceededException", "Rate exceeded for shard"),
    /** HTTP 400 ExpiredIteratorException: the shard iterator has expired. */
    EXPIRED_ITERATOR(400, "ExpiredIteratorException", "Iterator expired"),
    /** HTTP 400 LimitExceededException, as for ListShards over its 100 calls/s account limit. */
    LIMIT_EXCEEDED(400, "LimitExceededException", "Rate exceeded for stream"),
    /** HTTP 400 ResourceNotFoundException, as for a shard gone past the retention period. */
    RESOURCE_NOT_FOUND(400, "ResourceNotFoundException", "Shard does not exist"),
    /** HTTP 500 InternalFailure. */
    INTERNAL_FAILURE(500, "InternalFailure", "We encountered an internal error"),
    /** HTTP 503 ServiceUnavailable. */
    SERVICE_UNAVAILABLE(503, "ServiceUnavailable", "Service unavailable"),
    /** The connection is closed at once, without an answer. */
    RESET(0, null, null),
    /** The call is forwarded after a delay (the rule's latency). */
    LATENCY(0, null, null),
    /** The call gets no answer until the rule's window ends; then the connection is closed. */
    DARK(0, null, null);

    private final int status;
    private final String type;
    private final String message;

    Fault(int status, String type, String message) {
        this.status = status;
        this.type = type;
        this.message = message;
    }

    /** Whether the fault is an HTTP error answer (rather than a connection-level fault). */
    boolean isAnswer() {
        return status > 0;
    }

    int status() {
        return status;
    }

    /** The JSON body of the error answer. */
    String body(String operation) {
        return "{\"__type\":\""
                + type
                + "\",\"message\":\""
                + message
                + " (injected by FaultProxy on "
                + operation
                + ")\"}";
    }
}
