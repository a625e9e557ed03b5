package io.github.kinesisconsumer.store;

import io.github.kinesisconsumer.annotation.PublicEvolving;

/** A checkpoint store could not be read or written. Never means "no checkpoint". */
@PublicEvolving
public class CheckpointStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CheckpointStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public CheckpointStoreException(String message) {
        super(message);
    }
}
