package io.github.kinesisconsumer.examples;

import org.apache.flink.api.java.utils.ParameterTool;

import java.util.Map;

/** Flink's own command-line parser, {@link ParameterTool} (in flink-java on Flink 1.20). */
final class CommandLine {

    private CommandLine() {}

    static Map<String, String> parse(String[] args) {
        return ParameterTool.fromArgs(args).toMap();
    }
}
