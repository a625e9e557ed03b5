package io.github.kinesisconsumer.kinesis;

import io.github.kinesisconsumer.annotation.PublicEvolving;

/** The stream does not exist (or is not visible) at the configured endpoint and region. */
@PublicEvolving
public class StreamNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String streamName;

    public StreamNotFoundException(String streamName, String where, Throwable cause) {
        super(
                "Kinesis stream '"
                        + streamName
                        + "' not found at "
                        + where
                        + ": check the stream name (or ARN), the region and the account of the"
                        + " credentials, and that the stream is created and ACTIVE",
                cause);
        this.streamName = streamName;
    }

    public String streamName() {
        return streamName;
    }
}
