package io.github.kinesisconsumer.consumer;

/**
 * A scan stopped because a callback threw: the message names the shard and the sequence number of
 * the record (or the batch's range) it failed on, and the cause is what the callback threw.
 */
public class ScanFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ScanFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
