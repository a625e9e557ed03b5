package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.store.CheckpointStoreFactory;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Starts the test job used by the store tests: the source with a store, into {@link Emitted}. */
final class StoreJobs {

    private StoreJobs() {}

    static JobClient start(
            ClientSettings settings, String stream, String app, CheckpointStoreFactory stores)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(300);
        env.fromSource(
                        KinesisSource.<Tuple3<String, String, String>>builder()
                                .streamName(stream)
                                .appName(app)
                                .clientSettings(settings)
                                .startingPosition(
                                        StartingPosition.fromStore(StartingPosition.trimHorizon()))
                                .checkpointStore(stores)
                                .deserializer(new Emitted.Schema())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "kinesis")
                .addSink(new Emitted.Sink());
        return env.executeAsync("store job " + app);
    }
}
