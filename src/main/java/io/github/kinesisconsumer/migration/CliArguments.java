package io.github.kinesisconsumer.migration;

import io.github.kinesisconsumer.annotation.Internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Command-line arguments of the form {@code --name=value}, {@code --name value} or a flag. */
@Internal
final class CliArguments {

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> used = new TreeSet<>();

    CliArguments(String[] args, Set<String> flags) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new IllegalArgumentException(
                        "unexpected argument '" + a + "': options look like --name=value");
            }
            String body = a.substring(2);
            int eq = body.indexOf('=');
            if (eq >= 0) {
                values.put(body.substring(0, eq), body.substring(eq + 1));
            } else if (flags.contains(body)) {
                values.put(body, "true");
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                values.put(body, args[++i]);
            } else {
                throw new IllegalArgumentException("option --" + body + " needs a value");
            }
        }
    }

    String required(String name, String what) {
        String v = optional(name);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("missing --" + name + "=<" + what + ">");
        }
        return v;
    }

    String optional(String name) {
        used.add(name);
        return values.get(name);
    }

    boolean flag(String name) {
        String v = optional(name);
        if (v == null) {
            return false;
        }
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("--" + name + " is a flag: true or false");
        }
        return Boolean.parseBoolean(v);
    }

    /** Refuses options nobody asked for: a typo must not be ignored. */
    void refuseUnknown() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(used);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    "unknown option(s) for this source and store: --"
                            + String.join(", --", unknown));
        }
    }
}
