package io.github.kinesisconsumer.table;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Values of {@code checkpoint-store.type}. There is no in-memory store here: each Flink process
 * would get its own empty one.
 */
@PublicEvolving
public enum StoreType {
    POSTGRES,
    MYSQL,
    REDIS,
    DYNAMODB;

    /** The option value, e.g. {@code postgres}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<StoreType> parse(String value) {
        return Arrays.stream(values())
                .filter(t -> t.value().equalsIgnoreCase(value.trim()))
                .findFirst();
    }

    static String valueList() {
        return Arrays.stream(values()).map(StoreType::value).collect(Collectors.joining(", "));
    }
}
