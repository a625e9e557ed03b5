package io.github.kinesisconsumer.kinesis;

import io.github.kinesisconsumer.annotation.Internal;

import java.time.Duration;

/** Checks of duration settings shared by the builders. */
@Internal
public final class Durations {

    private Durations() {}

    /**
     * Fails with a message naming the setting unless {@code d} is positive.
     *
     * @throws IllegalArgumentException for null, zero or negative
     */
    public static Duration requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, but was " + d);
        }
        return d;
    }
}
