package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Split-level watermark alignment: with two shards in one reader, the shard whose event time runs
 * ahead is paused, so the event-time gap between the shards stays bounded.
 */
class KinesisSourceAlignmentTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkCluster.of(1, 1);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesalite();

    private static final int FIRST_SHARD_RECORDS = 600;
    private static final int SECOND_SHARD_RECORDS = 300;

    @BeforeEach
    void reset() {
        Emitted.reset();
    }

    @Test
    void fastShardIsHeldBackWithAlignment() throws Exception {
        long gap = maxGapSeconds(true);
        assertThat(gap).as("largest event-time gap between the shards, aligned").isLessThan(100);
    }

    @Test
    void withoutAlignmentTheGapGrows() throws Exception {
        long gap = maxGapSeconds(false);
        assertThat(gap)
                .as("largest event-time gap between the shards, unaligned")
                .isGreaterThan(200);
    }

    private long maxGapSeconds(boolean aligned) throws Exception {
        TestStream stream = KINESIS.createStream(2);
        List<String> shards = stream.shardIds();
        String secondShardHashKey = "340282366920938463463374607431768211455";
        // both shards span ~600 s of event time: shard 0 at one second per record, shard 1 at two
        for (int shard = 0; shard < 2; shard++) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < (shard == 0 ? FIRST_SHARD_RECORDS : SECOND_SHARD_RECORDS); i++) {
                long eventMillis = (shard == 0 ? 1_000L : 2_000L) * i;
                entries.add(
                        PutRecordsRequestEntry.builder()
                                .partitionKey("k")
                                .explicitHashKey(shard == 0 ? "0" : secondShardHashKey)
                                .data(SdkBytes.fromUtf8String(Long.toString(eventMillis)))
                                .build());
            }
            for (int from = 0; from < entries.size(); from += 300) {
                List<PutRecordsRequestEntry> chunk =
                        entries.subList(from, Math.min(entries.size(), from + 300));
                stream.client().putRecords(r -> r.streamName(stream.name()).records(chunk)).join();
            }
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        WatermarkStrategy<Tuple3<String, String, String>> strategy =
                WatermarkStrategy.<Tuple3<String, String, String>>forMonotonousTimestamps()
                        .withTimestampAssigner((e, ts) -> Long.parseLong(e.f1));
        if (aligned) {
            strategy =
                    strategy.withWatermarkAlignment(
                            "kinesis", Duration.ofSeconds(10), Duration.ofMillis(100));
        }
        env.fromSource(
                        KinesisSource.<Tuple3<String, String, String>>builder()
                                .streamName(stream.name())
                                .appName("alignment-test")
                                .clientSettings(KINESIS.clientSettings())
                                .startingPosition(StartingPosition.trimHorizon())
                                .deserializer(new Emitted.Schema())
                                .set(KinesisSourceOptions.GET_RECORDS_LIMIT, 10)
                                .build(),
                        strategy,
                        "kinesis")
                .map(new Emitted.Sink())
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("alignment " + aligned);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try {
            while (Emitted.ENTRIES.size() < FIRST_SHARD_RECORDS + SECOND_SHARD_RECORDS
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } finally {
            job.cancel().get();
        }
        List<Emitted.Entry> entries = Emitted.all();
        assertThat(entries.size()).isEqualTo(FIRST_SHARD_RECORDS + SECOND_SHARD_RECORDS);
        long[] latest = {0, 0};
        long maxGap = 0;
        for (Emitted.Entry e : entries) {
            int shard = e.shardId.equals(shards.get(0)) ? 0 : 1;
            latest[shard] = Math.max(latest[shard], Long.parseLong(e.payload));
            if (latest[0] < (SECOND_SHARD_RECORDS - 1) * 2_000L) {
                maxGap = Math.max(maxGap, latest[1] - latest[0]);
            }
        }
        System.out.printf(
                "alignment=%s: largest event-time gap while both shards had records: %d s%n",
                aligned, maxGap / 1000);
        return maxGap / 1000;
    }
}
