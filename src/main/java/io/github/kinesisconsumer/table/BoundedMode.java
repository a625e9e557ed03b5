package io.github.kinesisconsumer.table;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import org.apache.flink.configuration.DescribedEnum;
import org.apache.flink.configuration.description.InlineElement;

import static org.apache.flink.configuration.description.TextElement.text;

/** Values of {@code scan.bounded.mode}: whether and where the scan ends. */
@PublicEvolving
public enum BoundedMode implements DescribedEnum {
    UNBOUNDED("unbounded", "Read forever."),
    JOB_START(
            "job-start",
            "Read the records that arrived before the job first started, then finish."),
    TIMESTAMP(
            "timestamp",
            "Read the records that arrived before 'scan.bounded.timestamp-millis', then finish.");

    private final String value;
    private final String description;

    BoundedMode(String value, String description) {
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
