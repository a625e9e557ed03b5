package io.github.kinesisconsumer.kinesis;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: the n-th consecutive failure waits a random time in {@code
 * [base * 2^(n-1) / 2, min(max, base * 2^(n-1))]}.
 */
@PublicEvolving
public final class Backoff implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long baseMillis;
    private final long maxMillis;

    public Backoff(Duration base, Duration max) {
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException(
                    "backoff needs 0 < base <= max, but was base=" + base + " max=" + max);
        }
        this.baseMillis = base.toMillis();
        this.maxMillis = max.toMillis();
    }

    /** The delay before retry number {@code attempt} (1 for the first retry). */
    public long delayMillis(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), 30);
        long ceiling = Math.min(maxMillis, baseMillis << shift);
        long floor = ceiling / 2;
        return floor + ThreadLocalRandom.current().nextLong(ceiling - floor + 1);
    }

    public long maxMillis() {
        return maxMillis;
    }
}
