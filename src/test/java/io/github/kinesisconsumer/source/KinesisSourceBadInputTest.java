package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.KinesisRecord;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.Restarts;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.apache.flink.util.ExceptionUtils;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Bad input for the Flink source, in a MiniCluster without restarts: a missing stream, an
 * unreachable endpoint and a stream deleted while reading fail the job in bounded time; records
 * that are empty, 1 MiB (the Kinesis maximum, on kinesalite) or undeserializable, failing the job
 * with shard and sequence number or skipped with {@code skipUndeserializableRecords()}.
 */
class KinesisSourceBadInputTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkCluster.of(1, 1);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESALITE = KinesisEmulatorExtension.kinesalite();

    private static final int MIB = 1024 * 1024;

    @BeforeEach
    void reset() {
        Emitted.reset();
    }

    /** Payload as text, failing on payloads that start with '!'. */
    static final class Picky
            implements KinesisDeserializationSchema<Tuple3<String, String, String>> {
        @Override
        public void deserialize(KinesisRecord record, Collector<Tuple3<String, String, String>> out)
                throws IOException {
            String payload = record.dataAsString();
            if (payload.startsWith("!")) {
                throw new IOException("unreadable payload " + payload);
            }
            out.collect(Tuple3.of(record.partitionKey(), payload, record.shardId()));
        }

        @Override
        public TypeInformation<Tuple3<String, String, String>> getProducedType() {
            return Types.TUPLE(Types.STRING, Types.STRING, Types.STRING);
        }
    }

    private static KinesisSourceBuilder<Tuple3<String, String, String>> source(
            ClientSettings settings, String stream) {
        return KinesisSource.<Tuple3<String, String, String>>builder()
                .streamName(stream)
                .appName("bad-input")
                .clientSettings(settings)
                .startingPosition(StartingPosition.trimHorizon())
                .deserializer(new Picky());
    }

    /** Runs the source into {@link Emitted}; returns the job's failure, or null if it finished. */
    private static Throwable run(KinesisSourceBuilder<Tuple3<String, String, String>> source)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        Restarts.none(env);
        env.fromSource(source.build(), WatermarkStrategy.noWatermarks(), "kinesis")
                .map(new Emitted.Sink())
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("bad input");
        return catchThrowable(() -> job.getJobExecutionResult().get(60, TimeUnit.SECONDS));
    }

    private static List<WrittenRecord> writeMixed(TestStream stream) {
        byte[] big = new byte[MIB - 2];
        Arrays.fill(big, (byte) 'x');
        return stream.putBytes(
                List.of("k1", "k2", "k3", "k4"),
                List.of(new byte[0], big, bytes("!poison"), bytes("ok")));
    }

    @Test
    void anUndeserializableRecordFailsTheJobNamingShardAndSequenceNumber() throws Exception {
        TestStream stream = KINESALITE.createStream(1);
        WrittenRecord poison = writeMixed(stream).get(2);
        Throwable failure =
                run(source(KINESALITE.clientSettings(), stream.name()).boundedAtJobStart());
        assertThat(failure).isNotNull();
        assertThat(ExceptionUtils.stringifyException(failure))
                .contains(
                        "cannot deserialize record "
                                + poison.sequenceNumber
                                + " of shard "
                                + poison.shardId
                                + " of stream "
                                + stream.name())
                .contains("unreadable payload !poison")
                .contains("skipUndeserializableRecords()");
    }

    @Test
    void withSkippingTheJobReadsEmptyAndOneMebibyteRecordsAndPassesTheBadOne() throws Exception {
        TestStream stream = KINESALITE.createStream(1);
        writeMixed(stream);
        Throwable failure =
                run(
                        source(KINESALITE.clientSettings(), stream.name())
                                .skipUndeserializableRecords()
                                .boundedAtJobStart());
        assertThat(failure).isNull();
        List<String> payloads = new ArrayList<>();
        Emitted.all().forEach(e -> payloads.add(e.payload));
        assertThat(payloads).hasSize(3);
        assertThat(payloads.get(0)).isEmpty();
        assertThat(payloads.get(1)).hasSize(MIB - 2).matches("x+");
        assertThat(payloads.get(2)).isEqualTo("ok");
    }

    @Test
    void aMissingStreamFailsTheJobNamingStreamAndEndpoint() throws Exception {
        String name = KINESALITE.uniqueName();
        long start = System.nanoTime();
        Throwable failure = run(source(KINESALITE.clientSettings(), name));
        assertThat(failure).isNotNull();
        assertThat(ExceptionUtils.stringifyException(failure))
                .contains(
                        "Kinesis stream '"
                                + name
                                + "' not found at "
                                + KINESALITE.emulator().endpoint()
                                + " (region us-east-1)");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(30);
    }

    @Test
    void anUnreachableEndpointFailsTheJobNamingIt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + port;
        Throwable failure = run(source(ClientSettings.forEndpoint(endpoint), "orders"));
        assertThat(failure).isNotNull();
        assertThat(ExceptionUtils.stringifyException(failure))
                .contains("ListShards of stream 'orders' at " + endpoint)
                .contains("cannot connect to " + endpoint + " (region us-east-1)");
    }

    @Test
    void aStreamDeletedWhileReadingFailsTheJob() throws Exception {
        TestStream stream = KINESALITE.createStream(1);
        stream.putSequential(20, 4);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        Restarts.none(env);
        env.fromSource(
                        source(KINESALITE.clientSettings(), stream.name()).build(),
                        WatermarkStrategy.noWatermarks(),
                        "kinesis")
                .map(new Emitted.Sink())
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("deleted stream");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Emitted.ENTRIES.size() < 20 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(Emitted.ENTRIES).hasSize(20);
        KINESALITE.client().deleteStream(r -> r.streamName(stream.name())).join();
        Throwable failure =
                catchThrowable(() -> job.getJobExecutionResult().get(30, TimeUnit.SECONDS));
        assertThat(failure).isNotNull();
        assertThat(ExceptionUtils.stringifyException(failure))
                .contains("on shard shardId-000000000000 of stream '" + stream.name())
                .contains("(was the stream or shard deleted?)");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
