package io.github.kinesisconsumer.testing;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;

/** Restart strategies set by configuration, the way both Flink lines (1.20 and 2.x) take them. */
public final class Restarts {

    private Restarts() {}

    /** Restarts up to {@code attempts} times, {@code delayMillis} apart. */
    public static void fixedDelay(StreamExecutionEnvironment env, int attempts, long delayMillis) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, attempts);
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
                Duration.ofMillis(delayMillis));
        env.configure(conf);
    }

    /** The first failure fails the job. */
    public static void none(StreamExecutionEnvironment env) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(conf);
    }
}
