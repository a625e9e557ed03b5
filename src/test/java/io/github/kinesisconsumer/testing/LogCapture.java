package io.github.kinesisconsumer.testing;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Collects log lines with their stack traces while open: every logger at INFO and above (what a
 * production job logs), this library's at DEBUG. The levels are restored on close.
 */
public final class LogCapture implements AutoCloseable {

    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final AbstractAppender appender;
    private final Level rootLevel;
    private final LoggerConfig library;
    private final Level libraryLevel;

    public LogCapture() {
        appender =
                new AbstractAppender("log-capture", null, null, true, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        StringBuilder line =
                                new StringBuilder(event.getLoggerName())
                                        .append(' ')
                                        .append(event.getMessage().getFormattedMessage());
                        if (event.getThrown() != null) {
                            StringWriter trace = new StringWriter();
                            event.getThrown().printStackTrace(new PrintWriter(trace));
                            line.append('\n').append(trace);
                        }
                        lines.add(line.toString());
                    }
                };
        appender.start();
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        rootLevel = root.getLevel();
        root.addAppender(appender, Level.DEBUG, null);
        root.setLevel(Level.INFO);
        library = config.getLoggerConfig("io.github.kinesisconsumer");
        libraryLevel = library.getLevel();
        library.setLevel(Level.DEBUG);
        context.updateLoggers();
    }

    /** Everything logged so far, one entry per event. */
    public String text() {
        return String.join("\n", lines);
    }

    public int lines() {
        return lines.size();
    }

    @Override
    public void close() {
        LoggerConfig root = context.getConfiguration().getRootLogger();
        root.removeAppender(appender.getName());
        root.setLevel(rootLevel);
        library.setLevel(libraryLevel);
        context.updateLoggers();
        appender.stop();
    }
}
