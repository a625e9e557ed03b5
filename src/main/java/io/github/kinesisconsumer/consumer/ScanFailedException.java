package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.annotation.PublicEvolving;

/**
 * A scan stopped on an error: a checked exception thrown by a callback (its cause), a checkpoint
 * that could not be written within the retry limit, or a Kinesis failure. A callback's unchecked
 * exception is rethrown as it is.
 */
@PublicEvolving
public class ScanFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ScanFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
