package io.github.kinesisconsumer.examples;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink defined by its writer alone, for Flink 1.20, where {@link Sink} still declares the
 * deprecated {@code createWriter(InitContext)} (the Flink 2.x build has its own copy without it).
 */
abstract class WriterSink<T> implements Sink<T> {

    /** A new writer for one subtask. */
    abstract SinkWriter<T> newWriter();

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return newWriter();
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<T> createWriter(InitContext context) {
        return newWriter();
    }
}
