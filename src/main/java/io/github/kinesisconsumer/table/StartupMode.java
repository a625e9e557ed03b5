package io.github.kinesisconsumer.table;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import org.apache.flink.configuration.DescribedEnum;
import org.apache.flink.configuration.description.InlineElement;

import static org.apache.flink.configuration.description.TextElement.text;

/** Values of {@code scan.startup.mode}: where shards start when Flink has no state for them. */
@PublicEvolving
public enum StartupMode implements DescribedEnum {
    LATEST("latest", "After the newest record at start."),
    TRIM_HORIZON("trim-horizon", "At the oldest record still retained."),
    AT_TIMESTAMP(
            "at-timestamp",
            "At the first record that arrived at or after 'scan.startup.timestamp-millis'."),
    FROM_STORE(
            "from-store",
            "After each shard's checkpoint in the checkpoint store; shards without one start at"
                    + " 'scan.startup.from-store.fallback'.");

    private final String value;
    private final String description;

    StartupMode(String value, String description) {
        this.value = value;
        this.description = description;
    }

    @Override
    public String toString() {
        return value;
    }

    @Override
    public InlineElement getDescription() {
        return text(description);
    }
}
