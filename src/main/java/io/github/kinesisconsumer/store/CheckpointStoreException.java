package io.github.kinesisconsumer.store;

/** A checkpoint store could not be read or written. Never means "no checkpoint". */
public class CheckpointStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CheckpointStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public CheckpointStoreException(String message) {
        super(message);
    }
}
