package io.github.kinesisconsumer.group;

import io.github.kinesisconsumer.kinesis.Backoff;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BooleanSupplier;

/** Retries of lease table calls that must not be given up at the first failure. */
final class Retrying {

    private static final Logger LOG = LoggerFactory.getLogger(Retrying.class);

    private final Backoff backoff;
    private final int attempts;

    Retrying(Backoff backoff, int attempts) {
        this.backoff = backoff;
        this.attempts = attempts;
    }

    /** Runs {@code call}, retrying a failure with backoff until the last attempt fails. */
    boolean run(String what, BooleanSupplier call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.getAsBoolean();
            } catch (RuntimeException e) {
                if (attempt >= attempts) {
                    throw e;
                }
                long delay = backoff.delayMillis(attempt);
                LOG.warn(
                        "{} failed (attempt {}), retrying in {} ms: {}",
                        what,
                        attempt,
                        delay,
                        e.toString());
                sleepQuietly(delay);
            }
        }
    }

    /** Runs {@code action} once; a failure is logged, not thrown (for clean-up on close). */
    static void bestEffort(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("could not {}: {}", what, e.toString());
        }
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
