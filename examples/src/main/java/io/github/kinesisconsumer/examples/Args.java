package io.github.kinesisconsumer.examples;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Command-line flags of the examples, {@code --name value} or {@code --flag} (true), parsed by
 * Flink's {@code ParameterTool}; durations also take the examples' short forms ({@code 10s}, {@code
 * 500ms}, {@code 2m}, plain seconds).
 */
final class Args {

    /** What ParameterTool stores for a flag given without a value. */
    private static final String NO_VALUE = "__NO_VALUE_KEY";

    private final Map<String, String> values = new HashMap<>();

    private Args() {}

    static Args parse(String[] args) {
        Args parsed = new Args();
        CommandLine.parse(args)
                .forEach(
                        (name, value) ->
                                parsed.values.put(name, NO_VALUE.equals(value) ? "true" : value));
        return parsed;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    long getLong(String name, long fallback) {
        String v = values.get(name);
        try {
            return v == null ? fallback : Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " needs a number, got '" + v + "'");
        }
    }

    int getInt(String name, int fallback) {
        return Math.toIntExact(getLong(name, fallback));
    }

    boolean getBoolean(String name, boolean fallback) {
        String v = values.get(name);
        return v == null ? fallback : Boolean.parseBoolean(v);
    }

    /** A duration such as {@code 10s}, {@code 500ms}, {@code 2m}, or plain seconds. */
    Duration getDuration(String name, Duration fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else if (v.endsWith("s")) {
                return Duration.ofMillis(
                        Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            } else if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--" + name + " needs a duration such as 10s or 500ms, got '" + v + "'");
        }
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
