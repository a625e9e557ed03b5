package io.github.kinesisconsumer.examples;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** A sink defined by its writer alone, for Flink 2.x (the 1.20 build has its own copy). */
abstract class WriterSink<T> implements Sink<T> {

    /** A new writer for one subtask. */
    abstract SinkWriter<T> newWriter();

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return newWriter();
    }
}
