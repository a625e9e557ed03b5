package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.store.CheckpointStoreFactory;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/** Starts the test job used by the store tests: the source with a store, into {@link Emitted}. */
final class StoreJobs {

    private StoreJobs() {}

    static JobClient start(
            ClientSettings settings, String stream, String app, CheckpointStoreFactory stores)
            throws Exception {
        return start(settings, stream, app, stores, StartingPosition.trimHorizon(), 300);
    }

    /**
     * The job starting from the store, with {@code fallback} for shards the store does not place;
     * {@code checkpointMillis} 0 turns Flink checkpoints off, so the job mirrors nothing.
     */
    static JobClient start(
            ClientSettings settings,
            String stream,
            String app,
            CheckpointStoreFactory stores,
            StartingPosition fallback,
            long checkpointMillis)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        if (checkpointMillis > 0) {
            env.enableCheckpointing(checkpointMillis);
        }
        env.fromSource(
                        KinesisSource.<Tuple3<String, String, String>>builder()
                                .streamName(stream)
                                .appName(app)
                                .clientSettings(settings)
                                .startingPosition(StartingPosition.fromStore(fallback))
                                .checkpointStore(stores)
                                .deserializer(new Emitted.Schema())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "kinesis")
                .map(new Emitted.Sink())
                .sinkTo(new DiscardingSink<>());
        return env.executeAsync("store job " + app);
    }
}
