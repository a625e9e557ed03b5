package io.github.kinesisconsumer.kinesis;

import io.github.kinesisconsumer.annotation.PublicEvolving;

/** A Kinesis API call failed for good: not retryable, or retries used up. */
@PublicEvolving
public class KinesisCallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public KinesisCallException(String message, Throwable cause) {
        super(message, cause);
    }
}
