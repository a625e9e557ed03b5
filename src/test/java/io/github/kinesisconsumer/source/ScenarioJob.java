package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.KinesisRecord;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema;
import io.github.kinesisconsumer.testing.Restarts;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The job and bookkeeping of the reliability scenarios: a keyed, checkpointed count per partition
 * key ({@link KeyedCounts}) at parallelism 2 with checkpoints every 500 ms, a paced writer, and the
 * comparison of counted state with what was written.
 */
final class ScenarioJob {

    /** Records emitted per shard by the source (not checkpointed; replays count again). */
    static final Map<String, AtomicLong> EMITTED_BY_SHARD = new ConcurrentHashMap<>();

    /** Records written so far by {@link #writePaced}. */
    static final AtomicLong WRITTEN = new AtomicLong();

    /** When the source first emitted a record of each shard ({@link System#nanoTime()}). */
    static final Map<String, Long> FIRST_EMIT_NANOS = new ConcurrentHashMap<>();

    private ScenarioJob() {}

    static void reset() {
        KeyedCounts.reset();
        EMITTED_BY_SHARD.clear();
        FIRST_EMIT_NANOS.clear();
        WRITTEN.set(0);
    }

    static JobClient start(
            String name,
            ClientSettings settings,
            String stream,
            UnaryOperator<KinesisSourceBuilder<Tuple2<String, String>>> options)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        Restarts.fixedDelay(env, 20, 500);
        KinesisSourceBuilder<Tuple2<String, String>> source =
                KinesisSource.<Tuple2<String, String>>builder()
                        .streamName(stream)
                        .appName("reliability-" + name)
                        .clientSettings(settings)
                        .startingPosition(StartingPosition.trimHorizon())
                        .deserializer(new TallyingKeyAndPayload());
        env.fromSource(options.apply(source).build(), WatermarkStrategy.noWatermarks(), "kinesis")
                .uid("kinesis-source")
                .keyBy(t -> t.f0)
                .process(new KeyedCounts.Count())
                .uid("count")
                .map(new KeyedCounts.LatestSink())
                .sinkTo(new DiscardingSink<>())
                .uid("sink");
        return env.executeAsync(name);
    }

    /**
     * Writes {@code total} records {@code "<prefix><i>"} with keys {@code "k<i % keys>"} in batches
     * of {@code batch}, pausing between batches, on another thread.
     */
    static CompletableFuture<List<WrittenRecord>> writePaced(
            TestStream stream, String prefix, int total, int keys, int batch, long pauseMillis) {
        return CompletableFuture.supplyAsync(
                () -> {
                    List<WrittenRecord> written = new ArrayList<>(total);
                    while (written.size() < total) {
                        int base = written.size();
                        int n = Math.min(batch, total - base);
                        written.addAll(
                                stream.put(
                                        n,
                                        i -> "k" + ((base + i) % keys),
                                        i -> prefix + (base + i)));
                        WRITTEN.addAndGet(n);
                        sleep(pauseMillis);
                    }
                    return written;
                });
    }

    /** Records per partition key. */
    static Map<String, Long> expected(List<WrittenRecord> written) {
        Map<String, Long> expected = new HashMap<>();
        for (WrittenRecord w : written) {
            expected.merge(w.partitionKey, 1L, Long::sum);
        }
        return expected;
    }

    /** The last sequence number written to each shard. */
    static Map<String, String> lastSequencePerShard(List<WrittenRecord> written) {
        Map<String, String> last = new HashMap<>();
        for (WrittenRecord w : written) {
            last.put(w.shardId, w.sequenceNumber);
        }
        return last;
    }

    static void awaitCounted(long total, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (KeyedCounts.total() < total && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /**
     * Waits until all {@code expected} records are counted (or the timeout), lets late updates
     * arrive, cancels the job and compares the counted state with what was written.
     */
    static Outcome finish(JobClient job, Map<String, Long> expected, Duration timeout)
            throws Exception {
        long written = 0;
        for (long v : expected.values()) {
            written += v;
        }
        try {
            awaitCounted(written, timeout);
            Thread.sleep(1_500);
        } finally {
            job.cancel().get();
        }
        return Outcome.of(expected, KeyedCounts.snapshot());
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Written against counted, per key. */
    static final class Outcome {
        final long written;
        final long read;
        final long lost;
        final long duplicated;

        private Outcome(long written, long read, long lost, long duplicated) {
            this.written = written;
            this.read = read;
            this.lost = lost;
            this.duplicated = duplicated;
        }

        static Outcome of(Map<String, Long> expected, Map<String, Long> counted) {
            long written = 0;
            long read = 0;
            long lost = 0;
            long duplicated = 0;
            for (Map.Entry<String, Long> e : expected.entrySet()) {
                long c = counted.getOrDefault(e.getKey(), 0L);
                written += e.getValue();
                lost += Math.max(0, e.getValue() - c);
                duplicated += Math.max(0, c - e.getValue());
            }
            for (Map.Entry<String, Long> e : counted.entrySet()) {
                read += e.getValue();
                if (!expected.containsKey(e.getKey())) {
                    duplicated += e.getValue();
                }
            }
            return new Outcome(written, read, lost, duplicated);
        }

        String line(int scenario, String name, String faults, long millis) {
            return String.format(
                    "SCENARIO %d %s: written=%d read=%d lost=%d duplicated=%d faults=[%s]"
                            + " time=%.1fs",
                    scenario, name, written, read, lost, duplicated, faults, millis / 1000.0);
        }
    }

    /** (partition key, payload), counting records per shard on the way. */
    static final class TallyingKeyAndPayload
            implements KinesisDeserializationSchema<Tuple2<String, String>> {
        @Override
        public void deserialize(KinesisRecord record, Collector<Tuple2<String, String>> out) {
            EMITTED_BY_SHARD
                    .computeIfAbsent(record.shardId(), k -> new AtomicLong())
                    .incrementAndGet();
            FIRST_EMIT_NANOS.putIfAbsent(record.shardId(), System.nanoTime());
            out.collect(Tuple2.of(record.partitionKey(), record.dataAsString()));
        }

        @Override
        public TypeInformation<Tuple2<String, String>> getProducedType() {
            return Types.TUPLE(Types.STRING, Types.STRING);
        }
    }
}
