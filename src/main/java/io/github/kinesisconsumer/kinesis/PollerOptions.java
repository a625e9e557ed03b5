package io.github.kinesisconsumer.kinesis;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import java.io.Serializable;
import java.time.Duration;

/** Tuning of the polling reader. Immutable; build with {@link #builder()}. */
@PublicEvolving
public final class PollerOptions implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Kinesis serves at most 5 GetRecords calls per second per shard. */
    public static final double DEFAULT_CALLS_PER_SECOND = 5.0;

    private final int recordsPerCall;
    private final double callsPerSecondPerShard;
    private final Duration idlePollInterval;
    private final long maxBufferedBytes;
    private final Duration backoffBase;
    private final Duration backoffMax;
    private final boolean failOnTrimmedPosition;

    private PollerOptions(Builder b) {
        this.recordsPerCall = b.recordsPerCall;
        this.callsPerSecondPerShard = b.callsPerSecondPerShard;
        this.idlePollInterval = b.idlePollInterval;
        this.maxBufferedBytes = b.maxBufferedBytes;
        this.backoffBase = b.backoffBase;
        this.backoffMax = b.backoffMax;
        this.failOnTrimmedPosition = b.failOnTrimmedPosition;
    }

    public static PollerOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** GetRecords {@code Limit}: 1..10,000 records per call. */
    public int recordsPerCall() {
        return recordsPerCall;
    }

    /** The per-shard call budget: calls start at least {@code 1 / budget} seconds apart. */
    public double callsPerSecondPerShard() {
        return callsPerSecondPerShard;
    }

    /**
     * The least time between the starts of two calls on one shard: {@code 1 / budget} plus a margin
     * of 2 % (at least 5 ms), so that network jitter cannot push six calls into one second at the
     * service.
     */
    public long minCallSpacingNanos() {
        double spacing = 1_000_000_000d / callsPerSecondPerShard;
        return (long) Math.ceil(spacing + Math.max(spacing * 0.02, 5_000_000d));
    }

    /** Pause after a GetRecords call that returned nothing. */
    public Duration idlePollInterval() {
        return idlePollInterval;
    }

    /** Above this many fetched-but-not-taken bytes, no new GetRecords calls start. */
    public long maxBufferedBytes() {
        return maxBufferedBytes;
    }

    public Backoff backoff() {
        return new Backoff(backoffBase, backoffMax);
    }

    /**
     * What to do when a shard starts from a sequence number older than its trim horizon (a
     * checkpoint restored after a long outage): false (default) starts it at TRIM_HORIZON with a
     * warning and a count; true fails the read.
     */
    public boolean failOnTrimmedPosition() {
        return failOnTrimmedPosition;
    }

    public Builder toBuilder() {
        return new Builder()
                .recordsPerCall(recordsPerCall)
                .callsPerSecondPerShard(callsPerSecondPerShard)
                .idlePollInterval(idlePollInterval)
                .maxBufferedBytes(maxBufferedBytes)
                .backoff(backoffBase, backoffMax)
                .failOnTrimmedPosition(failOnTrimmedPosition);
    }

    @Override
    public String toString() {
        return "PollerOptions{recordsPerCall="
                + recordsPerCall
                + ", callsPerSecondPerShard="
                + callsPerSecondPerShard
                + ", idlePollInterval="
                + idlePollInterval
                + ", maxBufferedBytes="
                + maxBufferedBytes
                + ", backoff="
                + backoffBase
                + ".."
                + backoffMax
                + (failOnTrimmedPosition ? ", failOnTrimmedPosition" : "")
                + "}";
    }

    /** Builder for {@link PollerOptions}. */
    public static final class Builder {
        private int recordsPerCall = 10_000;
        private double callsPerSecondPerShard = DEFAULT_CALLS_PER_SECOND;
        private Duration idlePollInterval = Duration.ofMillis(200);
        private long maxBufferedBytes = 64L * 1024 * 1024;
        private Duration backoffBase = Duration.ofMillis(100);
        private Duration backoffMax = Duration.ofSeconds(10);
        private boolean failOnTrimmedPosition;

        private Builder() {}

        public Builder recordsPerCall(int recordsPerCall) {
            this.recordsPerCall = recordsPerCall;
            return this;
        }

        public Builder callsPerSecondPerShard(double callsPerSecondPerShard) {
            this.callsPerSecondPerShard = callsPerSecondPerShard;
            return this;
        }

        public Builder idlePollInterval(Duration idlePollInterval) {
            this.idlePollInterval = idlePollInterval;
            return this;
        }

        public Builder maxBufferedBytes(long maxBufferedBytes) {
            this.maxBufferedBytes = maxBufferedBytes;
            return this;
        }

        public Builder backoff(Duration base, Duration max) {
            this.backoffBase = base;
            this.backoffMax = max;
            return this;
        }

        /** See {@link PollerOptions#failOnTrimmedPosition()}. */
        public Builder failOnTrimmedPosition(boolean fail) {
            this.failOnTrimmedPosition = fail;
            return this;
        }

        public PollerOptions build() {
            if (recordsPerCall < 1 || recordsPerCall > 10_000) {
                throw new IllegalArgumentException(
                        "recordsPerCall must be 1..10000 (the GetRecords limit), but was "
                                + recordsPerCall);
            }
            if (!(callsPerSecondPerShard > 0) || Double.isInfinite(callsPerSecondPerShard)) {
                throw new IllegalArgumentException(
                        "callsPerSecondPerShard must be > 0 (Kinesis allows 5), but was "
                                + callsPerSecondPerShard);
            }
            if (idlePollInterval == null || idlePollInterval.isNegative()) {
                throw new IllegalArgumentException(
                        "idlePollInterval must be >= 0, but was " + idlePollInterval);
            }
            if (maxBufferedBytes < 1) {
                throw new IllegalArgumentException(
                        "maxBufferedBytes must be > 0, but was " + maxBufferedBytes);
            }
            if (backoffBase == null || backoffMax == null) {
                throw new IllegalArgumentException("backoff durations must not be null");
            }
            new Backoff(backoffBase, backoffMax);
            return new PollerOptions(this);
        }
    }
}
