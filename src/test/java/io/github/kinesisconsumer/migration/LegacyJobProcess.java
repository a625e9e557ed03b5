package io.github.kinesisconsumer.migration;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.streaming.api.functions.source.SourceFunction;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A job reading with the legacy {@code FlinkKinesisConsumer}, run in a JVM of its own with the
 * legacy connector's jar (it is never on the test class path): reads (from TRIM_HORIZON unless
 * told) at parallelism 2, slowly, into a sink that commits what it processed to a file at each
 * checkpoint (as an exactly-once sink would); when the file {@code stop} appears in the work
 * directory, stops with a savepoint and writes its path to {@code savepoint}.
 *
 * <p>Arguments: endpoint, stream, uid, work directory, and optionally the initial position ({@code
 * flink.stream.initpos}, TRIM_HORIZON unless given; AT_TIMESTAMP is 5 s before the start).
 */
public final class LegacyJobProcess {

    static final String LEGACY_CLASS =
            "org.apache.flink.streaming.connectors.kinesis.FlinkKinesisConsumer";

    private LegacyJobProcess() {}

    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        String stream = args[1];
        String uid = args[2];
        Path work = Paths.get(args[3]);
        Properties props = new Properties();
        props.setProperty("aws.region", "us-east-1");
        props.setProperty("aws.endpoint", endpoint);
        props.setProperty("aws.credentials.provider", "BASIC");
        props.setProperty("aws.credentials.provider.basic.accesskeyid", "local");
        props.setProperty("aws.credentials.provider.basic.secretkey", "local");
        String initialPosition = args.length > 4 ? args[4] : "TRIM_HORIZON";
        props.setProperty("flink.stream.initpos", initialPosition);
        if (initialPosition.equals("AT_TIMESTAMP")) {
            props.setProperty(
                    "flink.stream.initpos.timestamp",
                    Double.toString(System.currentTimeMillis() / 1000.0 - 5));
        }
        props.setProperty("flink.shard.discovery.intervalmillis", "1000");
        props.setProperty("flink.shard.getrecords.intervalmillis", "100");
        props.setProperty("flink.shard.getrecords.maxrecordcount", "20");
        SourceFunction<String> legacy =
                (SourceFunction<String>)
                        Class.forName(LEGACY_CLASS)
                                .getConstructor(
                                        String.class,
                                        org.apache.flink.api.common.serialization
                                                .DeserializationSchema.class,
                                        Properties.class)
                                .newInstance(stream, new SimpleStringSchema(), props);

        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(2, new Configuration());
        env.enableCheckpointing(300);
        env.addSource(legacy, "legacy-kinesis")
                .uid(uid)
                .map(new Slow())
                .addSink(new CommittingFileSink(work.resolve("processed.txt").toString()))
                .uid("sink");
        JobClient job = env.executeAsync("legacy job");
        Path stop = work.resolve("stop");
        while (!Files.exists(stop)) {
            Thread.sleep(50);
        }
        String savepoint =
                job.stopWithSavepoint(
                                false,
                                work.resolve("savepoints").toUri().toString(),
                                SavepointFormatType.CANONICAL)
                        .get(120, TimeUnit.SECONDS);
        Files.writeString(work.resolve("savepoint.tmp"), savepoint);
        Files.move(work.resolve("savepoint.tmp"), work.resolve("savepoint"));
        System.exit(0);
    }

    /** Slows the job so that it stops with part of the stream unread. */
    static final class Slow implements MapFunction<String, String> {
        @Override
        public String map(String value) throws Exception {
            Thread.sleep(15);
            return value;
        }
    }

    /** Appends what it processed to a file when a checkpoint is taken, never otherwise. */
    static final class CommittingFileSink implements SinkFunction<String>, CheckpointedFunction {
        private final String file;
        private transient List<String> pending;

        CommittingFileSink(String file) {
            this.file = file;
        }

        @Override
        public void invoke(String value, Context context) {
            pending.add(value);
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            if (pending.isEmpty()) {
                return;
            }
            StringBuilder lines = new StringBuilder();
            pending.forEach(v -> lines.append(v).append('\n'));
            synchronized (CommittingFileSink.class) {
                Files.write(
                        Paths.get(file),
                        lines.toString().getBytes(StandardCharsets.UTF_8),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            pending.clear();
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {
            pending = new ArrayList<>();
        }
    }
}
