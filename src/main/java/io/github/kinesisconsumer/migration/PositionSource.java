package io.github.kinesisconsumer.migration;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import java.util.List;

/**
 * Reads the shard positions an earlier consumer left behind. Implementations only read: they never
 * change the state they read.
 */
@PublicEvolving
public interface PositionSource {

    /** What is read, for tables and error messages, e.g. {@code KCL lease table 'orders-app'}. */
    String description();

    /**
     * Every shard position found, one per shard. Throws {@link IllegalArgumentException} naming
     * what to fix when the input is not what was asked for (an unknown operator, a table of another
     * application, ...), and {@link MigrationException} when it cannot be read.
     */
    List<PriorPosition> read();
}
