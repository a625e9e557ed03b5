package io.github.kinesisconsumer.bench;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.Credentials;
import io.github.kinesisconsumer.kinesis.KinesisRecord;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.KinesisSource;
import io.github.kinesisconsumer.source.KinesisSourceBuilder;
import io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.util.Collector;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end latency, put → emit, of {@link KinesisSource} at a steady rate (default 1,000
 * records/s) over 4 shards on a real emulator ({@code --endpoint=http://127.0.0.1:4569}, kinesalite
 * or kinesis-local), with the default idle poll interval (200 ms). The payload carries the {@code
 * System.nanoTime()} of the PutRecords call's start (same JVM); the sink, chained to the source,
 * records now − that. The first {@code --warmup-s} seconds are dropped.
 *
 * <p>{@code --modes=polling,efo} runs the job once per reader mode, each on a fresh stream, and
 * prints {@code RESULT latency.<mode>.p50/p99} lines side by side. Enhanced fan-out needs
 * kinesis-local ({@code --endpoint=http://127.0.0.1:4567}); kinesalite has no SubscribeToShard.
 */
public final class LatencyBenchmark {

    static final long[] LATENCIES = new long[2_000_000];
    static final java.util.concurrent.atomic.AtomicInteger N =
            new java.util.concurrent.atomic.AtomicInteger();
    static volatile long measureFromNanos = Long.MAX_VALUE;

    /** Payload's first 8 bytes: the put time in nanos. */
    static final class PutNanos implements KinesisDeserializationSchema<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(KinesisRecord record, Collector<Long> out) {
            out.collect(ByteBuffer.wrap(record.dataArray(), record.dataOffset(), 8).getLong());
        }

        @Override
        public TypeInformation<Long> getProducedType() {
            return Types.LONG;
        }
    }

    static final class LatencySink implements SinkFunction<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public void invoke(Long putNanos, Context context) {
            long now = System.nanoTime();
            if (putNanos >= measureFromNanos) {
                int i = N.getAndIncrement();
                if (i < LATENCIES.length) {
                    LATENCIES[i] = now - putNanos;
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        String endpoint = "http://127.0.0.1:4569";
        int rate = 1000;
        int shards = 4;
        int seconds = 30;
        int warmupS = 5;
        int parallelism = 2;
        String modes = "polling";
        for (String a : args) {
            String[] kv = a.replaceFirst("^--", "").split("=", 2);
            switch (kv[0]) {
                case "endpoint":
                    endpoint = kv[1];
                    break;
                case "rate":
                    rate = Integer.parseInt(kv[1]);
                    break;
                case "shards":
                    shards = Integer.parseInt(kv[1]);
                    break;
                case "seconds":
                    seconds = Integer.parseInt(kv[1]);
                    break;
                case "modes":
                    modes = kv[1];
                    break;
                case "parallelism":
                    parallelism = Integer.parseInt(kv[1]);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + a);
            }
        }
        System.setProperty("aws.cborEnabled", "false");
        List<String> lines = new ArrayList<>();
        for (String mode : modes.split(",")) {
            lines.addAll(run(mode.trim(), endpoint, rate, shards, seconds, warmupS, parallelism));
        }
        for (String line : lines) {
            System.out.println(line);
        }
        System.exit(0);
    }

    private static List<String> run(
            String mode,
            String endpoint,
            int rate,
            int shards,
            int seconds,
            int warmupS,
            int parallelism)
            throws Exception {
        boolean efo;
        if (mode.equals("efo")) {
            efo = true;
        } else if (mode.equals("polling")) {
            efo = false;
        } else {
            throw new IllegalArgumentException("unknown mode " + mode + " (polling or efo)");
        }
        N.set(0);
        measureFromNanos = Long.MAX_VALUE;
        String stream = "latency-" + System.currentTimeMillis();
        KinesisClient client = ThroughputBenchmark.syncClient(endpoint, 8);
        int shardCount = shards;
        client.createStream(b -> b.streamName(stream).shardCount(shardCount));
        while (!"ACTIVE"
                .equals(
                        client.describeStreamSummary(b -> b.streamName(stream))
                                .streamDescriptionSummary()
                                .streamStatusAsString())) {
            Thread.sleep(100);
        }
        ClientSettings settings =
                ClientSettings.builder()
                        .region("us-east-1")
                        .endpoint(endpoint)
                        .credentials(Credentials.basic("local", "local"))
                        .cborEnabled(false)
                        .build();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, new Configuration());
        KinesisSourceBuilder<Long> source =
                KinesisSource.<Long>builder()
                        .streamName(stream)
                        .appName("bench-latency")
                        .clientSettings(settings)
                        .startingPosition(StartingPosition.trimHorizon())
                        .deserializer(new PutNanos());
        if (efo) {
            source.enhancedFanOut("bench-latency");
        }
        env.fromSource(source.build(), WatermarkStrategy.noWatermarks(), "kinesis")
                .addSink(new LatencySink());
        JobClient job = env.executeAsync("latency " + mode);
        Thread.sleep(3000);

        // Producer: batches every 10 ms, keys spread over the shards.
        int perBatch = Math.max(1, rate / 100);
        long start = System.nanoTime();
        measureFromNanos = start + TimeUnit.SECONDS.toNanos(warmupS);
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long sent = 0;
        int batch = 0;
        while (System.nanoTime() < end) {
            long due = start + batch * 10_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            long now = System.nanoTime();
            List<PutRecordsRequestEntry> entries = new ArrayList<>(perBatch);
            for (int i = 0; i < perBatch; i++) {
                ByteBuffer b = ByteBuffer.allocate(100);
                b.putLong(now);
                entries.add(
                        PutRecordsRequestEntry.builder()
                                .partitionKey("k" + (sent + i))
                                .data(SdkBytes.fromByteArray(b.array()))
                                .build());
            }
            client.putRecords(r -> r.streamName(stream).records(entries));
            sent += perBatch;
            batch++;
        }
        double actualRate = sent / ((System.nanoTime() - start) / 1e9);
        Thread.sleep(3000);
        job.cancel().get(60, TimeUnit.SECONDS);
        int n = Math.min(N.get(), LATENCIES.length);
        long[] l = Arrays.copyOf(LATENCIES, n);
        Arrays.sort(l);
        double p50 = n == 0 ? Double.NaN : l[(int) (n * 0.50)] / 1e6;
        double p99 = n == 0 ? Double.NaN : l[Math.min(n - 1, (int) (n * 0.99))] / 1e6;
        double max = n == 0 ? Double.NaN : l[n - 1] / 1e6;
        System.out.printf(
                Locale.ROOT,
                "Latency put->emit (%s) on %s, %d shards, %.0f records/s offered, parallelism"
                        + " %d%s: %d samples, p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                mode,
                endpoint,
                shards,
                actualRate,
                parallelism,
                efo ? "" : ", idle poll 200 ms",
                n,
                p50,
                p99,
                max);
        List<String> results = new ArrayList<>();
        if (!efo) {
            results.add(
                    String.format(
                            Locale.ROOT, "RESULT latency_p50.s%d.r%d %.1f ms", shards, rate, p50));
            results.add(
                    String.format(
                            Locale.ROOT, "RESULT latency_p99.s%d.r%d %.1f ms", shards, rate, p99));
        }
        results.add(String.format(Locale.ROOT, "RESULT latency.%s.p50 %.1f ms", mode, p50));
        results.add(String.format(Locale.ROOT, "RESULT latency.%s.p99 %.1f ms", mode, p99));
        try {
            client.deleteStream(b -> b.streamName(stream));
        } catch (RuntimeException ignored) {
            // best effort
        }
        client.close();
        return results;
    }

    private LatencyBenchmark() {}
}
