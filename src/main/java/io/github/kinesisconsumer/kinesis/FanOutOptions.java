package io.github.kinesisconsumer.kinesis;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import java.io.Serializable;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Settings of enhanced fan-out reading: the stream consumer to read through, and the tuning of the
 * enhanced fan-out reader. Immutable; build with {@link #builder(String)}.
 */
@PublicEvolving
public final class FanOutOptions implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Pattern CONSUMER_NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");

    private final String consumerName;
    private final Duration subscriptionHealthTimeout;
    private final Duration closedShardProbeInterval;
    private final Duration subscribeSpacing;
    private final Duration registrationTimeout;
    private final boolean deregisterOnClose;
    private final long maxBufferedBytes;
    private final Duration backoffBase;
    private final Duration backoffMax;
    private final boolean failOnTrimmedPosition;

    private FanOutOptions(Builder b) {
        this.consumerName = b.consumerName;
        this.subscriptionHealthTimeout = b.subscriptionHealthTimeout;
        this.closedShardProbeInterval = b.closedShardProbeInterval;
        this.subscribeSpacing = b.subscribeSpacing;
        this.registrationTimeout = b.registrationTimeout;
        this.deregisterOnClose = b.deregisterOnClose;
        this.maxBufferedBytes = b.maxBufferedBytes;
        this.backoffBase = b.backoffBase;
        this.backoffMax = b.backoffMax;
        this.failOnTrimmedPosition = b.failOnTrimmedPosition;
    }

    /** Options for the stream consumer {@code consumerName}, with defaults for the rest. */
    public static Builder builder(String consumerName) {
        return new Builder(consumerName);
    }

    /** The registered stream consumer subscriptions are made through. */
    public String consumerName() {
        return consumerName;
    }

    /**
     * A subscription that delivers no event for this long while an event is requested is cancelled
     * and renewed (Kinesis sends an event every few seconds even when a shard is idle).
     */
    public Duration subscriptionHealthTimeout() {
        return subscriptionHealthTimeout;
    }

    /**
     * How long a subscription may bring only empty, caught-up events before the shard is checked
     * for being closed with one GetShardIterator + GetRecords; zero turns the check off. Kinesis
     * itself signals the end of a closed shard on the subscription; the check is a safety net for
     * services that do not.
     */
    public Duration closedShardProbeInterval() {
        return closedShardProbeInterval;
    }

    /** The least time between two SubscribeToShard calls on one shard (Kinesis allows one/s). */
    public Duration subscribeSpacing() {
        return subscribeSpacing;
    }

    /**
     * How long to wait for the consumer to become ACTIVE (including the wait for an earlier run's
     * consumer that is still being deleted), and the longest the source's close waits for the
     * deletion of a consumer it deregisters.
     */
    public Duration registrationTimeout() {
        return registrationTimeout;
    }

    /** Deregister the consumer at the end, when this library registered it. */
    public boolean deregisterOnClose() {
        return deregisterOnClose;
    }

    /** Above this many received but not yet taken bytes, no further events are requested. */
    public long maxBufferedBytes() {
        return maxBufferedBytes;
    }

    /** Backoff between retries of failed subscriptions. */
    public Backoff backoff() {
        return new Backoff(backoffBase, backoffMax);
    }

    /** See {@link PollerOptions#failOnTrimmedPosition()}. */
    public boolean failOnTrimmedPosition() {
        return failOnTrimmedPosition;
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(consumerName)
                .subscriptionHealthTimeout(subscriptionHealthTimeout)
                .closedShardProbeInterval(closedShardProbeInterval)
                .subscribeSpacing(subscribeSpacing)
                .registrationTimeout(registrationTimeout)
                .deregisterOnClose(deregisterOnClose)
                .maxBufferedBytes(maxBufferedBytes)
                .backoff(backoffBase, backoffMax)
                .failOnTrimmedPosition(failOnTrimmedPosition);
    }

    @Override
    public String toString() {
        return "FanOutOptions{consumer="
                + consumerName
                + ", healthTimeout="
                + subscriptionHealthTimeout
                + ", closedShardProbe="
                + closedShardProbeInterval
                + ", deregisterOnClose="
                + deregisterOnClose
                + ", subscribeSpacing="
                + subscribeSpacing
                + ", registrationTimeout="
                + registrationTimeout
                + ", maxBufferedBytes="
                + maxBufferedBytes
                + ", backoff="
                + backoffBase
                + ".."
                + backoffMax
                + (failOnTrimmedPosition ? ", failOnTrimmedPosition" : "")
                + "}";
    }

    /** Builder of {@link FanOutOptions}. */
    public static final class Builder {
        private final String consumerName;
        private Duration subscriptionHealthTimeout = Duration.ofSeconds(30);
        private Duration closedShardProbeInterval = Duration.ofSeconds(30);
        private Duration subscribeSpacing = Duration.ofSeconds(1);
        private Duration registrationTimeout = Duration.ofMinutes(2);
        private boolean deregisterOnClose = true;
        private long maxBufferedBytes = 64L * 1024 * 1024;
        private Duration backoffBase = Duration.ofMillis(200);
        private Duration backoffMax = Duration.ofSeconds(10);
        private boolean failOnTrimmedPosition;

        private Builder(String consumerName) {
            this.consumerName = consumerName;
        }

        public Builder subscriptionHealthTimeout(Duration timeout) {
            this.subscriptionHealthTimeout = timeout;
            return this;
        }

        public Builder closedShardProbeInterval(Duration interval) {
            this.closedShardProbeInterval = interval;
            return this;
        }

        public Builder subscribeSpacing(Duration spacing) {
            this.subscribeSpacing = spacing;
            return this;
        }

        public Builder registrationTimeout(Duration timeout) {
            this.registrationTimeout = timeout;
            return this;
        }

        public Builder deregisterOnClose(boolean deregister) {
            this.deregisterOnClose = deregister;
            return this;
        }

        public Builder maxBufferedBytes(long bytes) {
            this.maxBufferedBytes = bytes;
            return this;
        }

        /** See {@link PollerOptions#failOnTrimmedPosition()}. */
        public Builder failOnTrimmedPosition(boolean fail) {
            this.failOnTrimmedPosition = fail;
            return this;
        }

        public Builder backoff(Duration base, Duration max) {
            this.backoffBase = base;
            this.backoffMax = max;
            return this;
        }

        /**
         * @throws IllegalArgumentException for a missing or malformed consumer name or a bad
         *     duration
         */
        public FanOutOptions build() {
            if (consumerName == null || consumerName.trim().isEmpty()) {
                throw new IllegalArgumentException(
                        "enhanced fan-out needs a stream consumer name, e.g."
                                + " enhancedFanOut(\"my-app-efo\"): the consumer is registered on"
                                + " the stream if it does not exist");
            }
            if (!CONSUMER_NAME.matcher(consumerName).matches()) {
                throw new IllegalArgumentException(
                        "consumer name must be 1-128 characters of [a-zA-Z0-9_.-], but was '"
                                + consumerName
                                + "'");
            }
            Durations.requirePositive(subscriptionHealthTimeout, "subscriptionHealthTimeout");
            if (closedShardProbeInterval == null || closedShardProbeInterval.isNegative()) {
                throw new IllegalArgumentException(
                        "closedShardProbeInterval must be >= 0 (0 turns it off), but was "
                                + closedShardProbeInterval);
            }
            if (subscribeSpacing == null || subscribeSpacing.isNegative()) {
                throw new IllegalArgumentException(
                        "subscribeSpacing must be >= 0, but was " + subscribeSpacing);
            }
            Durations.requirePositive(registrationTimeout, "registrationTimeout");
            if (maxBufferedBytes < 1) {
                throw new IllegalArgumentException(
                        "maxBufferedBytes must be > 0, but was " + maxBufferedBytes);
            }
            if (backoffBase == null || backoffMax == null) {
                throw new IllegalArgumentException("backoff durations must not be null");
            }
            new Backoff(backoffBase, backoffMax);
            return new FanOutOptions(this);
        }
    }
}
