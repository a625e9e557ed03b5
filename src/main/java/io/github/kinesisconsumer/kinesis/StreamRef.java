package io.github.kinesisconsumer.kinesis;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import java.io.Serializable;
import java.util.Objects;
import java.util.regex.Pattern;

/** A Kinesis data stream addressed by its name or by its ARN. */
@PublicEvolving
public final class StreamRef implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");
    private static final Pattern ARN =
            Pattern.compile(
                    "arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\\d{12}:stream/([a-zA-Z0-9_.-]{1,128})");

    private final String name;
    private final String arn;

    private StreamRef(String name, String arn) {
        this.name = name;
        this.arn = arn;
    }

    /** A stream addressed by name, in the region of the client. */
    public static StreamRef ofName(String streamName) {
        if (streamName == null || !NAME.matcher(streamName).matches()) {
            throw new IllegalArgumentException(
                    "stream name must be 1-128 characters of [a-zA-Z0-9_.-], but was '"
                            + streamName
                            + "'");
        }
        return new StreamRef(streamName, null);
    }

    /** A stream addressed by ARN, e.g. {@code arn:aws:kinesis:eu-west-1:123456789012:stream/x}. */
    public static StreamRef ofArn(String streamArn) {
        java.util.regex.Matcher m = streamArn == null ? null : ARN.matcher(streamArn);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException(
                    "stream ARN must look like arn:aws:kinesis:<region>:<account-id>:stream/<name>,"
                            + " but was '"
                            + streamArn
                            + "'");
        }
        return new StreamRef(m.group(1), streamArn);
    }

    /**
     * The stream a builder was given: exactly one of {@code streamName} and {@code streamArn} must
     * be set.
     */
    public static StreamRef of(String streamName, String streamArn) {
        if (streamName != null && streamArn != null) {
            throw new IllegalArgumentException(
                    "set either streamName or streamArn, not both (got '"
                            + streamName
                            + "' and '"
                            + streamArn
                            + "')");
        }
        if (streamName == null && streamArn == null) {
            throw new IllegalArgumentException(
                    "no stream: call streamName(\"...\") or streamArn(\"arn:aws:kinesis:...\")");
        }
        return streamArn != null ? ofArn(streamArn) : ofName(streamName);
    }

    /** The stream name (taken from the ARN when addressed by ARN). */
    public String name() {
        return name;
    }

    /** The ARN, or null when addressed by name. */
    public String arn() {
        return arn;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StreamRef)) {
            return false;
        }
        StreamRef that = (StreamRef) o;
        return name.equals(that.name) && Objects.equals(arn, that.arn);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, arn);
    }

    @Override
    public String toString() {
        return arn != null ? arn : name;
    }
}
