package io.github.kinesisconsumer.examples;

import org.apache.flink.util.ParameterTool;

import java.util.Map;

/** Flink's own command-line parser, {@link ParameterTool} (in flink-core on Flink 2.x). */
final class CommandLine {

    private CommandLine() {}

    static Map<String, String> parse(String[] args) {
        return ParameterTool.fromArgs(args).toMap();
    }
}
