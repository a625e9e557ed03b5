package io.github.kinesisconsumer.examples;

import io.github.kinesisconsumer.consumer.KinesisConsumer;
import io.github.kinesisconsumer.consumer.ScanResult;
import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.KinesisSource;
import io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema;
import io.github.kinesisconsumer.store.jdbc.PostgresCheckpointStore;
import io.github.kinesisconsumer.store.redis.RedisCheckpointStore;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;

/**
 * The README's Java quick starts, compiled with the examples; {@code ReadmeQuickStartsTest} fails
 * when a line of the README's snippets is not found here.
 */
final class QuickStarts {

    private QuickStarts() {}

    static void dataStreamJob(StreamExecutionEnvironment env) {
        KinesisSource<String> source =
                KinesisSource.<String>builder()
                        .streamName("orders")
                        .appName("billing")
                        .clientSettings(ClientSettings.builder().region("eu-west-1").build())
                        // an emulator: ClientSettings.forEndpoint("http://127.0.0.1:4567")
                        .startingPosition(StartingPosition.trimHorizon()) // default: latest()
                        .deserializer(KinesisDeserializationSchema.of(new SimpleStringSchema()))
                        .checkpointStore(
                                () ->
                                        PostgresCheckpointStore.builder() // optional mirror
                                                .jdbcUrl("jdbc:postgresql://db:5432/app")
                                                .user("app")
                                                .createTable(true)
                                                .build())
                        .build();
        env.fromSource(
                source,
                WatermarkStrategy.forBoundedOutOfOrderness(Duration.ofSeconds(5)),
                "kinesis");
    }

    static void standaloneConsumer() throws Exception {
        try (KinesisConsumer consumer =
                KinesisConsumer.builder()
                        .streamName("orders")
                        .appName("billing")
                        .clientSettings(ClientSettings.builder().region("eu-west-1").build())
                        .checkpointStore(
                                RedisCheckpointStore.builder().url("redis://cache:6379/0").build())
                        .build()) {
            consumer.scan(
                    record -> { // every shard; in order within a shard
                        handle(record.dataAsString());
                        return ScanResult.CONTINUE; // SKIP_CHECKPOINT, or STOP to end the scan
                    }); // otherwise runs until close() from another thread
        }
    }

    private static void handle(String data) {}
}
